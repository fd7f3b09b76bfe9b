#!/usr/bin/env python3
"""Fills the placeholders of the DCSA example messages (as DCSA's conformance
suite does before sending them) and writes the results as etr test fixtures:

  tools/etr/fill_dcsa_examples.py ../shared/testdata/dcsa src/trade/etr/testdata

Optionally (--check) validates each filled document with the Python
jsonschema package against the schema extract, as an independent second
opinion on src/trade/etr/dcsa_schema.cc.
"""
import json
import sys
from pathlib import Path

VALUES = {
    "TRANSPORT_DOCUMENT_REFERENCE_PLACEHOLDER": "DGTR0000000001",
    "SHIPPING_INSTRUCTION_REFERENCE_PLACEHOLDER": "SI-2026-000001",
    "BOOKING_REFERENCE_PLACEHOLDER": "BKG20260001",
    "SHIPPER_LEGAL_NAME_PLACEHOLDER": "Tianjin Export Trading Co., Ltd.",
    "SHIPPER_CODE_LIST_PROVIDER": "W3C",
    "SHIPPER_PARTY_CODE_PLACEHOLDER": "91120116MA05JJ1K3X",
    "SHIPPER_CODE_LIST_NAME_PLACEHOLDER": "USCC",
    "CONSIGNEE_LEGAL_NAME_PLACEHOLDER": "Rotterdam Import B.V.",
    "CONSIGNEE_CODE_LIST_PROVIDER": "GLEIF",
    "CONSIGNEE_PARTY_CODE_PLACEHOLDER": "724500AB12CD34EF5678",
    "CONSIGNEE_CODE_LIST_NAME_PLACEHOLDER": "LEI",
    "ISSUING_PARTY_LEGAL_NAME_PLACEHOLDER": "Bohai Ocean Lines",
    "ISSUING_PARTY_CODE_LIST_PROVIDER": "SMDG",
    "ISSUING_PARTY_PARTY_CODE_PLACEHOLDER": "BOHL",
    "ISSUING_PARTY_CODE_LIST_NAME_PLACEHOLDER": "LCL",
    "ISSUE_TO_LEGAL_NAME_PLACEHOLDER": "Tianjin Export Trading Co., Ltd.",
    "SEND_TO_PLATFORM_PLACEHOLDER": "DGTR",
    "ISSUE_TO_CODE_LIST_PROVIDER": "W3C",
    "ISSUE_TO_PARTY_CODE_PLACEHOLDER": "91120116MA05JJ1K3X",
    "ISSUE_TO_CODE_LIST_NAME_PLACEHOLDER": "USCC",
}


def fill(node):
    if isinstance(node, dict):
        return {k: fill(v) for k, v in node.items()}
    if isinstance(node, list):
        return [fill(v) for v in node]
    if isinstance(node, str):
        return VALUES.get(node, node)
    return node


def main():
    src, dst = Path(sys.argv[1]), Path(sys.argv[2])
    check = "--check" in sys.argv
    issuance = fill(json.loads((src / "eblissuance-v3.0.0-request.json").read_text()))
    pint = fill(json.loads((src / "pint-3.0.0-transport-document.json").read_text()))
    out = {
        "issuance-request.json": issuance,
        "transport-document-straight.json": issuance["document"],
        "transport-document-pint.json": pint,
    }
    for name, doc in out.items():
        (dst / name).write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if check:
        import jsonschema
        schemas = json.loads((Path(__file__).parents[2] / "src/trade/etr/schemas/dcsa_schemas.json").read_text())
        for spec, doc in (("EBL_ISS_v3.0.3", issuance["document"]), ("EBL_PINT_v3.0.0", pint)):
            defs = schemas[spec]
            root = {"$ref": "#/TransportDocument", **defs}
            v = jsonschema.Draft4Validator(root)
            errors = list(v.iter_errors(doc))
            print(spec, "errors:", [f"{list(e.absolute_path)} {e.validator}: {e.message}" for e in errors])


if __name__ == "__main__":
    main()
