#!/usr/bin/env python3
"""Extracts from Proxmox VE's API schema (../shared/reference/pve-api-schema.json, the
`pvesh`/apidoc dump) the parameter names of every method and whether each is required, and
writes them to tests/pve-api-parameters.json, which tests/check_openapi.py compares Faro's
OpenAPI document with. Facts only: names and required-ness, no descriptions or types.

Usage: scripts/pve_api_params.py [PVE_SCHEMA.json] [OUTPUT.json]

In the output every method is one line, "VERB /path": [names], an optional parameter's name
ending in "?". Indexed parameters keep Proxmox's spelling, such as "net[n]?"."""
import json, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SCHEMA = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "reference", "pve-api-schema.json"))
DEFAULT_OUTPUT = os.path.normpath(os.path.join(HERE, "..", "tests", "pve-api-parameters.json"))


def extract(schema):
    """{"VERB /path": ["required", "optional?", ...]} for every method of the schema tree."""
    methods = {}

    def walk(node):
        for verb, info in (node.get("info") or {}).items():
            properties = (info.get("parameters") or {}).get("properties") or {}
            names = [name + ("?" if spec.get("optional") else "") for name, spec in properties.items()]
            methods[f"{verb.upper()} {node['path']}"] = sorted(names)
        for child in node.get("children") or []:
            walk(child)

    for top in schema:
        walk(top)
    return methods


def render(methods):
    """The extract as text: sorted, one method a line, so a change reads as a small diff."""
    lines = [f"  {json.dumps(key)}: {json.dumps(methods[key])}" for key in sorted(methods)]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def main(argv):
    schema_path = argv[1] if len(argv) > 1 else DEFAULT_SCHEMA
    output_path = argv[2] if len(argv) > 2 else DEFAULT_OUTPUT
    with open(schema_path) as handle:
        text = render(extract(json.load(handle)))
    with open(output_path, "w") as handle:
        handle.write(text)
    print(f"wrote {output_path}")


if __name__ == "__main__":
    main(sys.argv)
