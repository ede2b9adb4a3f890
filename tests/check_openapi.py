#!/usr/bin/env python3
"""Validates Faro's OpenAPI export (`faro apidump`) as an OpenAPI 3.1 document and reports how
it compares with the Proxmox VE schema (../shared/tools/api-compat) when that tool is present."""
import json, os, subprocess, sys, tempfile

from openapi_spec_validator import validate

faro = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/faro"
document = json.loads(subprocess.run([faro, "apidump"], check=True, capture_output=True, text=True).stdout)
validate(document)
operations = sum(1 for ops in document["paths"].values() for verb in ops if verb in ("get", "post", "put", "delete"))
print(f"openapi: valid OpenAPI {document['openapi']} document with {operations} operations")

compat = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "tools", "api-compat")
if os.path.exists(compat):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(document, handle)
    result = subprocess.run([sys.executable, compat, handle.name], capture_output=True, text=True)
    os.unlink(handle.name)
    summary = [line for line in result.stdout.splitlines() if line.startswith("api-compat:")]
    print(summary[-1] if summary else result.stdout.strip().splitlines()[-1:])
