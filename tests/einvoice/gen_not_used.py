#!/usr/bin/env python3
"""Generates src/trade/einvoice/internal/not_used_generated.h: the CEN
syntax-binding rules that say an element or attribute is not used in
EN 16931 (UBL-CR-*, CII-SR-*, CII-DT-*), as a table of paths for the
engine's one-pass trie ("unused:" tests), from the official Schematron
files, which you fetch yourself and never commit.

usage: gen_not_used.py UBL-1.3.16.sch UBL-1.3.14.1.sch CII-1.3.16.sch CII-1.3.14.1.sch OUT.h

  UBL-1.3.16.sch: ConnectingEurope/eInvoicing-EN16931 ubl/schematron/preprocessed/
                  EN16931-UBL-validation-preprocessed.sch (validation-1.3.16)
  UBL-1.3.14.1.sch: OpenPEPPOL/peppol-bis-invoice-3 rules/sch/CEN-EN16931-UBL.sch (3.0.19)
  CII-*: the same for CII (EN16931-CII-validation-preprocessed.sch, CEN-EN16931-CII.sch)

Rules already written by hand in rules_cen_ubl.cc / rules_cen_cii.cc are left
out. A test of the form not(P) (P child steps, optionally "(A|B)/..." and a
final "/@attr") becomes "unused:P1|P2"; the few other tests are kept as XPath
1.0 (with the overrides below where the official test is XPath 2.0). Each
syntax pattern keeps the official rule contexts in their official order,
with their asserts emptied of the hand-written ones, so that Schematron's
first-matching-rule-per-node claims stay the official ones. Messages are ours.
Deterministic: the same inputs give the same file."""
import glob, os, re, sys
import xml.etree.ElementTree as ET

SCH = '{http://purl.oclc.org/dsdl/schematron}'
HERE = os.path.dirname(os.path.abspath(__file__))
RULES_DIR = os.path.join(HERE, '..', '..', 'src', 'trade', 'einvoice', 'internal')
IDS = re.compile(r'^(UBL-CR|CII-SR|CII-DT)-\d+$')
STEP = r'(?:[a-z]+:[A-Za-z0-9]+)'
PATH = rf'(?:{STEP}(?:/{STEP})*(?:/@[A-Za-z]+)?|@[A-Za-z]+)'
SIMPLE = re.compile(rf'^not\s*\(\s*(?:(?P<path>{PATH})|\((?P<alts>{PATH}(?:\s*\|\s*{PATH})+)\)/(?P<rest>{PATH}))\s*\)$')
# XPath 2.0 tests, in the XPath 1.0 (plus extension functions) the engine runs.
OVERRIDES = {
    # count(distinct-values(X)) = 1 when X is not empty: all values equal.
    'CII-SR-462': 'count(//ram:ApplicableTradeTax/ram:DueDateTypeCode) = 0 or '
                  'not(//ram:ApplicableTradeTax/ram:DueDateTypeCode != //ram:ApplicableTradeTax/ram:DueDateTypeCode)',
}
XPATH2 = re.compile(r'ends-with|distinct-values|\b(?:true|false)\(\)|/normalize-space\(|matches\(|upper-case')


def hand_written():
    ids = set()
    for f in glob.glob(os.path.join(RULES_DIR, 'rules_cen_*.cc')):
        ids |= set(re.findall(r'"((?:UBL-CR|CII-SR|CII-DT)-\d+)"', open(f).read()))
    return ids


def context_xpath1(ctx):
    ctx = ' '.join(ctx.split())
    ctx = re.sub(r"ends-with\(name\(\),\s*'([A-Za-z]+)'\)",
                 lambda m: "substring(name(), string-length(name()) - %d) = '%s'" % (len(m.group(1)) - 1, m.group(1)),
                 ctx)
    ctx = ctx.replace('not (', 'not(')
    if XPATH2.search(ctx):
        raise SystemExit('context not translated: ' + ctx)
    return ctx


def test_of(aid, test):
    test = ' '.join(test.split())
    m = SIMPLE.match(test)
    if m:
        if m.group('path'):
            paths = [m.group('path')]
        else:
            paths = [a.strip() + '/' + m.group('rest') for a in m.group('alts').split('|')]
        return 'unused:' + '|'.join(paths)
    t = OVERRIDES.get(aid, test).replace('not (', 'not(')
    if XPATH2.search(t):
        raise SystemExit('%s: XPath 2.0 test needs an override: %s' % (aid, test))
    return t


def syntax_rules(path, hand):
    """[(context, [(id, flag, test, message)])] of the syntax pattern, in order."""
    root = ET.parse(path).getroot()
    out = []
    for pat in root.iter(SCH + 'pattern'):
        if not (pat.get('id') or '').lower().endswith('syntax'):
            continue
        for rule in pat.iter(SCH + 'rule'):
            asserts = []
            for a in rule.iter(SCH + 'assert'):
                aid = a.get('id')
                if not IDS.match(aid) or aid in hand:
                    continue
                asserts.append((aid, a.get('flag'), test_of(aid, a.get('test'))))
            out.append((' '.join(rule.get('context').split()), asserts))
    return out


def c_str(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'


def emit(name, rules, out, emitted):
    for other, other_rules in emitted.items():
        if other_rules == rules:
            out.append('inline constexpr const auto& k%sAsserts = k%sAsserts;' % (name, other))
            out.append('inline constexpr const auto& k%sRules = k%sRules;' % (name, other))
            return sum(len(a) for _, a in rules)
    emitted[name] = rules
    asserts = []
    index = []
    for ctx, items in rules:
        index.append((ctx, len(asserts), len(items)))
        asserts.extend(items)
    out.append('inline constexpr AssertDef k%sAsserts[] = {' % name)
    for aid, flag, test in asserts:
        out.append('    {%s, %s, %s, nullptr},' % (c_str(aid), 'F' if flag == 'fatal' else 'W', c_str(test)))
    out.append('};')
    out.append('inline constexpr GeneratedRule k%sRules[] = {' % name)
    for ctx, first, count in index:
        out.append('    {%s, %d, %d},' % (c_str(ctx), first, count))
    out.append('};')
    return len(asserts)


def main(argv):
    ubl16, ubl14, cii16, cii14, out_path = argv
    hand = hand_written()
    out = ['// Generated by tests/einvoice/gen_not_used.py from the official CEN Schematron',
           '// (syntax-binding rules UBL-CR-*, CII-SR-*, CII-DT-* not written by hand in',
           '// rules_cen_*.cc). Do not edit: regenerate. Tests "unused:P|Q" fail when one of',
           '// the child paths P, Q exists below the context node (engine.cc walks them as a',
           '// trie); other tests are XPath 1.0. The messages (ours) are made from the tests',
           '// when the table is loaded (NotUsedPatterns in rules_cen_ubl.cc).',
           '#pragma once', '', '#include <cstddef>', '', '#include "trade/einvoice/internal/rules.h"', '',
           'namespace digitrade::trade::einvoice::internal {', '',
           '// One official rule context of a syntax pattern and its asserts k...Asserts[first, first + count).',
           'struct GeneratedRule {', '  const char* context;', '  std::size_t first;', '  std::size_t count;', '};', '']
    counts = {}
    emitted = {}
    for name, path, cii in (('Ubl16', ubl16, False), ('Ubl14', ubl14, False), ('Cii16', cii16, True), ('Cii14', cii14, True)):
        rules = syntax_rules(path, hand)
        if not cii:
            # Every UBL-CR rule is in the root rule; no other rule of the UBL
            # syntax pattern can match the root element, so it alone keeps
            # the official claims.
            rules = [(c, a) for c, a in rules if a]
            if [c for c, _ in rules] != ['/ubl:Invoice | /cn:CreditNote']:
                raise SystemExit('UBL: unexpected contexts %r' % [c for c, _ in rules])
        rules = [(context_xpath1(c), a) for c, a in rules]
        counts[name] = emit(name, rules, out, emitted)
        out.append('')
    out.append('}  // namespace digitrade::trade::einvoice::internal')
    open(out_path, 'w').write('\n'.join(out) + '\n')
    print('%s: %s' % (out_path, ', '.join('%s %d' % kv for kv in counts.items())))


if __name__ == '__main__':
    main(sys.argv[1:])
