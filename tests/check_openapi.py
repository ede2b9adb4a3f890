#!/usr/bin/env python3
"""Checks Faro's OpenAPI export (`faro apidump`) and exits non-zero when it fails:

- the document must be a valid OpenAPI 3.1 document (openapi-spec-validator);
- every method Faro shares with Proxmox VE must take Proxmox's parameters with the same
  required-ness, and Faro must have no method Proxmox lacks, except for the differences listed
  with their reason in tests/api-deviations.txt (a listed difference that no longer occurs fails
  too, so the list stays true).

Proxmox's parameters come from tests/pve-api-parameters.json, an extract of Proxmox's API schema
made by scripts/pve_api_params.py, so the check works on a fresh clone. When the schema itself is
at ../shared/reference, the extract must be what the script makes of it.

Usage: tests/check_openapi.py [FARO_BINARY]"""
import json, os, re, subprocess, sys

from openapi_spec_validator import OpenAPIV31SpecValidator, validate

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "scripts"))
import pve_api_params  # noqa: E402

PARAMETERS = os.path.join(HERE, "pve-api-parameters.json")
DEVIATIONS = os.path.join(HERE, "api-deviations.txt")
VERBS = ("get", "post", "put", "delete")


def validation_errors(document):
    """Why the document is not valid OpenAPI 3.1, or an empty list."""
    if not str(document.get("openapi", "")).startswith("3.1"):
        return [f"openapi is {document.get('openapi')!r}, not 3.1.x"]
    try:
        validate(document, cls=OpenAPIV31SpecValidator)
    except Exception as error:  # the validator raises its own error types, each a finding
        return [f"not a valid OpenAPI 3.1 document: {error}"]
    return []


def faro_methods(document):
    """{"VERB /path": {name: required}} with paths as Proxmox writes them (no /api2/json)."""
    methods = {}
    for raw_path, operations in (document.get("paths") or {}).items():
        path = re.sub(r"^/api2/(json|extjs)", "", raw_path) or "/"
        path = re.sub(r"\{([^}:]+)(:[^}]*)?\}", r"{\1}", path)
        shared = operations.get("parameters") or []
        for verb in VERBS:
            if verb not in operations:
                continue
            operation = operations[verb]
            parameters = {}
            for parameter in shared + (operation.get("parameters") or []):
                parameter = resolve(document, parameter)
                parameters[parameter["name"]] = bool(parameter.get("required")) or parameter.get("in") == "path"
            body = resolve(document, operation.get("requestBody") or {})
            for media in (body.get("content") or {}).values():
                schema = resolve(document, media.get("schema") or {})
                required = set(schema.get("required") or [])
                for name in schema.get("properties") or {}:
                    parameters[name] = name in required
                for pattern in schema.get("patternProperties") or {}:
                    parameters["pattern:" + pattern] = False
            methods[f"{verb.upper()} {path}"] = parameters
    return methods


def resolve(document, value):
    while isinstance(value, dict) and "$ref" in value:
        node = document
        for part in value["$ref"].lstrip("#/").split("/"):
            node = node[part]
        value = node
    return value


def differences(method, proxmox, ours):
    """How Faro's parameters of `method` differ from Proxmox's, one line each."""
    found, used = [], set()
    for spelled in proxmox:
        name, required = spelled.rstrip("?"), not spelled.endswith("?")
        if name.endswith("[n]"):
            # net[n]: Faro declares net0..netN, net[n] itself, or a pattern property.
            stem = name[:-3]
            matches = [
                ours_name for ours_name in ours
                if ours_name == name or re.fullmatch(re.escape(stem) + r"\d+", ours_name)
                or (ours_name.startswith("pattern:") and re.match(ours_name[8:], stem + "0"))
            ]
            if not matches:
                found.append(f"{method}: missing parameter {name}")
            used.update(matches)
        elif name not in ours:
            found.append(f"{method}: missing parameter {name}")
        else:
            used.add(name)
            if ours[name] != required:
                ours_word, theirs = ("required", "optional") if ours[name] else ("optional", "required")
                found.append(f"{method}: parameter {name} is {ours_word}, Proxmox: {theirs}")
    for name in ours:
        if name not in used and not name.startswith("pattern:"):
            found.append(f"{method}: extra parameter {name}")
    return found


def drift(document, proxmox):
    """(every difference between Faro's methods and Proxmox's, a summary line)."""
    ours = faro_methods(document)
    found, identical, mismatched = [], 0, 0
    for method in sorted(set(ours) & set(proxmox)):
        lines = differences(method, proxmox[method], ours[method])
        found += lines
        identical, mismatched = (identical, mismatched + 1) if lines else (identical + 1, mismatched)
    extra = sorted(set(ours) - set(proxmox))
    found += [f"{method}: not in Proxmox's API" for method in extra]
    summary = f"api-compat: {identical}/{len(proxmox)} methods identical ({mismatched} mismatched, {len(extra)} extra)"
    return found, summary


def reviewed_deviations(text):
    """{difference: reason} from api-deviations.txt; a line without a reason is an error."""
    reviewed = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        difference, _, reason = line.partition(" -- ")
        if not reason.strip():
            raise ValueError(f"api-deviations.txt:{number}: no reason after ' -- ': {line}")
        reviewed[difference.strip()] = reason.strip()
    return reviewed


def drift_failures(found, reviewed):
    """The differences nobody reviewed, and the reviewed ones that no longer occur."""
    failures = [f"unreviewed difference from Proxmox: {line}" for line in found if line not in reviewed]
    failures += [f"listed in api-deviations.txt but no longer true: {line}" for line in reviewed if line not in found]
    return failures


def extract_failures(schema_path=pve_api_params.DEFAULT_SCHEMA):
    """When Proxmox's schema is at hand, the checked-in extract must be what it gives."""
    if not os.path.exists(schema_path):
        return []
    with open(schema_path) as handle:
        expected = pve_api_params.render(pve_api_params.extract(json.load(handle)))
    with open(PARAMETERS) as handle:
        if handle.read() == expected:
            return []
    return [f"{PARAMETERS} is out of date with {schema_path}: run scripts/pve_api_params.py"]


def main(argv):
    faro = argv[1] if len(argv) > 1 else ".build/debug/faro"
    document = json.loads(subprocess.run([faro, "apidump"], check=True, capture_output=True, text=True).stdout)
    failures = validation_errors(document)
    if not failures:
        operations = sum(1 for ops in document["paths"].values() for verb in ops if verb in VERBS)
        print(f"openapi: valid OpenAPI {document['openapi']} document with {operations} operations")
    with open(PARAMETERS) as handle:
        proxmox = json.load(handle)
    with open(DEVIATIONS) as handle:
        reviewed = reviewed_deviations(handle.read())
    found, summary = drift(document, proxmox)
    print(f"{summary}; {len(reviewed)} reviewed differences", flush=True)
    failures += drift_failures(found, reviewed) + extract_failures()
    for failure in failures:
        print("FAIL " + failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
