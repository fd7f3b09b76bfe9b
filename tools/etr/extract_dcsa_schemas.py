#!/usr/bin/env python3
"""Extracts the component schemas of the published DCSA eBL OpenAPI files
(YAML) into one compact JSON document that digitrade embeds and validates
against (src/trade/etr/dcsa_schema.h). A dev tool: the output is committed,
so building needs neither this script nor python3-yaml.

  tools/etr/extract_dcsa_schemas.py ../shared/testdata/dcsa/openapi \
      > src/trade/etr/schemas/dcsa_schemas.json

Output: {"EBL_ISS_v3.0.3": {"SchemaName": {...}, ...}, "EBL_PINT_v3.0.0": ...}
with "description", "example", "examples" and "title" dropped (they carry
no validation meaning) and $ref values rewritten to "#/SchemaName" within
the same document.
"""
import json
import sys
from pathlib import Path

import yaml

FILES = ["EBL_ISS_v3.0.3", "EBL_PINT_v3.0.0", "EBL_SUR_v3.0.3", "EBL_END_v3.0.3"]
DROP = {"description", "example", "examples", "title"}


def strip(node, in_properties=False):
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            # Inside "properties" the keys are member names, not keywords.
            if not in_properties and key in DROP:
                continue
            if not in_properties and key == "$ref":
                out[key] = "#/" + value.rsplit("/", 1)[-1]
                continue
            out[key] = strip(value, in_properties=(not in_properties and key == "properties"))
        return out
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node


def main():
    src = Path(sys.argv[1])
    result = {}
    for name in FILES:
        doc = yaml.safe_load((src / f"{name}.yaml").read_text(encoding="utf-8"))
        result[name] = strip(doc["components"]["schemas"])
    json.dump(result, sys.stdout, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
