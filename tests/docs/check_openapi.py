#!/usr/bin/env python3
"""Checks docs/openapi.yaml as a YAML parser reads it: the document parses,
has the OpenAPI 3 top level, and every $ref points at something that exists.
(src/app/openapi_test.cc compares its paths with the routes; this catches a
document that only looks right line by line, e.g. after a bad merge.)"""
import sys

import yaml


def refs(node, path="#"):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                yield path, v
            else:
                yield from refs(v, f"{path}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from refs(v, f"{path}/{i}")


def resolve(doc, ref):
    if not ref.startswith("#/"):
        return False
    node = doc
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def main(path):
    try:
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f)
    except yaml.YAMLError as e:
        print(f"{path}: not valid YAML: {e}")
        return 1
    errors = []
    if not isinstance(doc, dict) or not str(doc.get("openapi", "")).startswith("3."):
        errors.append("no openapi: 3.x at the top level")
    for key in ("info", "paths", "components"):
        if not isinstance(doc.get(key), dict):
            errors.append(f"no {key} mapping at the top level")
    for where, ref in refs(doc):
        if not resolve(doc, ref):
            errors.append(f"{where}: $ref {ref} points at nothing")
    for e in errors:
        print(f"{path}: {e}")
    if not errors:
        print(f"{path}: ok, {len(doc['paths'])} paths")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
