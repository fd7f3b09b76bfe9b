#!/usr/bin/env python3
"""Mutation tests for the generated "not used" syntax rules: one document
per rule, adding the element (or attribute) the rule says is not used to a
clean invoice.

usage: unused.py BASE.xml OUTDIR ubl|cii [GENERATED.h]

Reads the CEN 1.3.16 table of src/trade/einvoice/internal/not_used_generated.h
(tests "unused:P|Q": P, relative to the rule context, is what gets added).
The context is located in BASE: an absolute path is followed (missing
elements created), "//ram:X" is the first ram:X, and a name-suffix wildcard
the first element whose name ends so. Added elements hold the text "1",
added attributes the value "1". Each mutant is
OUTDIR/<base>__unused-<rule id>.xml; rules whose context BASE cannot offer
are listed on stderr and skipped. Deterministic."""
import os, re, sys
import xml.etree.ElementTree as ET

NAMESPACES = {
    'ubl': 'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2',
    'cn': 'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2',
    'cac': 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
    'cbc': 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
    'ext': 'urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2',
    'rsm': 'urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100',
    'ram': 'urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100',
    'udt': 'urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100',
    'qdt': 'urn:un:unece:uncefact:data:standard:QualifiedDataType:100',
}
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_HEADER = os.path.join(HERE, '..', '..', '..', 'src', 'trade', 'einvoice', 'internal', 'not_used_generated.h')


def clark(qname):
    prefix, local = qname.split(':')
    return '{%s}%s' % (NAMESPACES[prefix], local)


def table(header, name):
    """[(context, [(id, paths)])] of k<name>Rules / k<name>Asserts."""
    text = open(header).read()
    asserts = re.search(r'k%sAsserts\[\] = \{\n(.*?)\n\};' % name, text, re.S).group(1)
    asserts = [re.match(r'\s*\{"([^"]+)", [FW], "((?:[^"\\]|\\.)*)", nullptr\},', l).groups()
               for l in asserts.split('\n')]
    rules = re.search(r'k%sRules\[\] = \{\n(.*?)\n\};' % name, text, re.S).group(1)
    out = []
    for l in rules.split('\n'):
        ctx, first, count = re.match(r'\s*\{"((?:[^"\\]|\\.)*)", (\d+), (\d+)\},', l).groups()
        items = [(i, t[len('unused:'):].split('|')) for i, t in asserts[int(first):int(first) + int(count)]
                 if t.startswith('unused:')]
        out.append((ctx.replace('\\"', '"'), items))
    return out


def context_nodes(root, ctx):
    """The first node of BASE matching one branch of `ctx`, or None."""
    parents = {c: p for p in root.iter() for c in p}
    for branch in [b.strip() for b in ctx.split('|')]:
        m = re.match(r"^//(?:\*|ram:\*)\[substring\(name\(\), string-length\(name\(\)\) - \d+\) = '(\w+)'", branch)
        if m:
            for e in root.iter():
                if e is not root and e.tag.split('}')[1].endswith(m.group(1)):
                    return e
            continue
        m = re.match(r'^//([a-z]+:\w+)$', branch)
        if m:
            for e in root.iter(clark(m.group(1))):
                return e
            continue
        m = re.match(r'^/([a-z]+:\w+(?:/[a-z]+:\w+)*)$', branch)
        if m:
            steps = m.group(1).split('/')
            if root.tag != clark(steps[0]):
                continue
            node = root
            for s in steps[1:]:
                node = ensure(node, s)
            return node
    return None


def ensure(parent, qname):
    child = parent.find(clark(qname))
    if child is None:
        child = ET.SubElement(parent, clark(qname))
        child.text = '1'
    elif child.text and child.text.strip() and len(child) == 0:
        pass
    return child


def add(node, path):
    steps = path.split('/')
    for s in steps[:-1]:
        node = ensure(node, s)
        if len(node) == 0 and node.text == '1':
            node.text = None  # an aggregate now
    last = steps[-1]
    if last.startswith('@'):
        node.set(last[1:], '1')
    else:
        e = ET.SubElement(node, clark(last))
        e.text = '1'


def main(base, outdir, syntax, header=DEFAULT_HEADER):
    for p, uri in NAMESPACES.items():
        ET.register_namespace(p, uri)
    stem = os.path.splitext(os.path.basename(base))[0]
    os.makedirs(outdir, exist_ok=True)
    written = skipped = 0
    for ctx, items in table(header, 'Ubl16' if syntax == 'ubl' else 'Cii16'):
        for rule_id, paths in items:
            tree = ET.parse(base)
            node = context_nodes(tree.getroot(), ctx)
            if node is None:
                print('skipped %s: no %s in %s' % (rule_id, ctx, base), file=sys.stderr)
                skipped += 1
                continue
            add(node, paths[0])
            tree.write(os.path.join(outdir, '%s__unused-%s.xml' % (stem, rule_id)), encoding='UTF-8',
                       xml_declaration=True)
            written += 1
    print('%s: %d documents, %d rules skipped' % (outdir, written, skipped))


if __name__ == '__main__':
    main(*sys.argv[1:])
