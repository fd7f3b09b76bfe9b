#!/usr/bin/env python3
"""Reference verdicts for the mutation tests, from Saxon-HE running the
official Schematron (which you fetch yourself; it is never committed).

usage: reference.py GOLDEN.json RULESET OFFICIAL.sch DIR [RULESET OFFICIAL.sch ...]

Compiles each official file with ../shared/tools/einvoice/compile_sch.py,
runs Saxon (Debian libsaxonhe-java) over DIR, and writes GOLDEN.json in the
shape of ../shared/testdata/einvoice/golden (per file: reference.<RULESET>
= {crash, fatal_ids, fired}), which tests/einvoice/conformance.py reads."""
import collections, json, os, re, subprocess, sys, tempfile
import xml.etree.ElementTree as ET

SVRL = '{http://purl.oclc.org/dsdl/svrl}'
SAXON = '/usr/share/java/Saxon-HE.jar'


def run(ruleset, sch, directory, tools, golden):
    with tempfile.TemporaryDirectory() as tmp:
        xslt = os.path.join(tmp, 'rules.xslt')
        subprocess.run([sys.executable, os.path.join(tools, 'compile_sch.py'), sch, xslt], check=True)
        out = os.path.join(tmp, 'out')
        os.makedirs(out)
        p = subprocess.run(['java', '-Xss8m', '-jar', SAXON, '-s:' + directory, '-xsl:' + xslt, '-o:' + out],
                           capture_output=True, text=True)
        crashed = set(re.findall(r'While processing (\S+?):', p.stderr))
        for name in sorted(os.listdir(directory)):
            if not name.endswith('.xml'):
                continue
            entry = golden.setdefault(name, {'reference': {}})
            if name in crashed or not os.path.exists(os.path.join(out, name)):
                entry['reference'][ruleset] = {'crash': True}
                continue
            fired = collections.Counter()
            for fa in ET.parse(os.path.join(out, name)).getroot().iter(SVRL + 'failed-assert'):
                fired[(fa.get('id'), 'error' if fa.get('flag') == 'fatal' else 'warning')] += 1
            entry['reference'][ruleset] = {
                'crash': False,
                'fatal_ids': sorted({i for (i, f) in fired if f == 'error'}),
                'fired': [[i, f, n] for (i, f), n in sorted(fired.items())]}


def main(argv):
    out, directory = argv[0], argv[-1]
    pairs = argv[1:-1]
    tools = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'shared', 'tools', 'einvoice')
    tools = os.environ.get('DIGITRADE_EINVOICE_TOOLS', tools)
    golden = {}
    for ruleset, sch in zip(pairs[0::2], pairs[1::2]):
        run(ruleset, sch, directory, tools, golden)
    json.dump(golden, open(out, 'w'), indent=0, sort_keys=True)
    print('%s: %d documents' % (out, len(golden)))


if __name__ == '__main__':
    main(sys.argv[1:])
