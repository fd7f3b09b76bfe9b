#!/usr/bin/env python3
"""Generates mutation tests from our own clean sample invoices.

usage: mutate.py BASE.xml OUTDIR

For every element of BASE: delete it, duplicate it; for every leaf value:
empty it and, by kind, negate it, give it three decimals, write it with a
decimal comma or an exponent (the reference's crash cases), or replace a
code with an unknown one; for every attribute: delete it or make it
unknown. Each mutant is OUTDIR/<base>__<operation>-<element index>.xml.
Deterministic: the same BASE always gives the same files."""
import copy, os, re, sys
import xml.etree.ElementTree as ET

NAMESPACES = {
    'cac': 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
    'cbc': 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
    'rsm': 'urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100',
    'ram': 'urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100',
    'udt': 'urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100',
}
NUMBER = re.compile(r'^-?[0-9]+(\.[0-9]+)?$')


def mutants(tree):
    root = tree.getroot()
    elements = [e for e in root.iter() if e is not root]
    parents = {c: p for p in root.iter() for c in p}
    for i, e in enumerate(elements):
        yield 'del-%d' % i, lambda t, i=i: remove(t, i)
        yield 'dup-%d' % i, lambda t, i=i: duplicate(t, i)
        text = (e.text or '').strip()
        if len(e) == 0 and text:
            yield 'empty-%d' % i, lambda t, i=i: set_text(t, i, '')
            if NUMBER.match(text):
                yield 'neg-%d' % i, lambda t, i=i, v=text: set_text(t, i, v[1:] if v.startswith('-') else '-' + v)
                yield 'dec3-%d' % i, lambda t, i=i, v=text: set_text(t, i, v + ('1' if '.' in v else '.001'))
                yield 'comma-%d' % i, lambda t, i=i, v=text: set_text(t, i, v.replace('.', ',') if '.' in v else v + ',5')
                yield 'exp-%d' % i, lambda t, i=i: set_text(t, i, '1e3')
            else:
                yield 'code-%d' % i, lambda t, i=i: set_text(t, i, 'ZZZ')
        for name in sorted(e.attrib):
            short = name.split('}')[-1]
            yield 'attrdel-%d-%s' % (i, short), lambda t, i=i, n=name: del_attr(t, i, n)
            yield 'attrbad-%d-%s' % (i, short), lambda t, i=i, n=name: set_attr(t, i, n, 'ZZZ')


def element(tree, i):
    root = tree.getroot()
    return [e for e in root.iter() if e is not root][i], {c: p for p in root.iter() for c in p}


def remove(tree, i):
    e, parents = element(tree, i)
    parents[e].remove(e)


def duplicate(tree, i):
    e, parents = element(tree, i)
    p = parents[e]
    p.insert(list(p).index(e) + 1, copy.deepcopy(e))


def set_text(tree, i, v):
    element(tree, i)[0].text = v


def del_attr(tree, i, n):
    del element(tree, i)[0].attrib[n]


def set_attr(tree, i, n, v):
    element(tree, i)[0].attrib[n] = v


def main(base, outdir):
    for prefix, uri in NAMESPACES.items():
        ET.register_namespace(prefix, uri)
    root_ns = re.search(r'xmlns="([^"]+)"', open(base).read())
    if root_ns:
        ET.register_namespace('', root_ns.group(1))
    os.makedirs(outdir, exist_ok=True)
    stem = os.path.splitext(os.path.basename(base))[0]
    count = 0
    for name, apply in mutants(ET.parse(base)):
        tree = ET.parse(base)
        apply(tree)
        tree.write(os.path.join(outdir, '%s__%s.xml' % (stem, name)), encoding='UTF-8', xml_declaration=True)
        count += 1
    print('%s: %d mutants in %s' % (base, count, outdir))


if __name__ == '__main__':
    main(*sys.argv[1:3])
