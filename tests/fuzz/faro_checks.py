"""Schemathesis checks for Faro, loaded with SCHEMATHESIS_HOOKS=faro_checks.

Proxmox answers a request that fails for a reason other than its parameters with status 500,
`{"data": null}` and the message as the reason phrase (e.g. "Configuration file ... does not
exist"), and clients depend on that; so a 500 is not by itself a fault. What is one: any
other 5xx, a 501 for a method the document lists, a body that is not Proxmox's shape, or a
message that is a crash or an internal detail rather than a statement about the request.

Proxmox also takes a JSON number for a string parameter (Terraform sends `"memory": 2048`
where the schema has a string), a JSON list for a `-list` string and JSON true/false for its
0/1 booleans; Faro does the same, so input the document refuses must be refused unless it is
one of those spellings."""
import json

import jsonschema
import schemathesis
from schemathesis.specs.openapi.checks import negative_data_rejection

INTERNAL = ("Fatal error", "Swift runtime", "Internal Server Error", "Unexpected error", "Optional(")


@schemathesis.check
def proxmox_shaped_failure(ctx, response, case):
    status = response.status_code
    if status < 500:
        return None
    undeclared = case.method.upper() != case.operation.method.upper()
    if status == 501 and undeclared and "not implemented" in response.text:
        return None
    if status == 501:
        raise AssertionError(f"the document lists {case.method} {case.path}, but the daemon says it is not implemented")
    if status != 500:
        raise AssertionError(f"status {status}: a failure is a 400 (the parameters) or a 500 (the request could not be done)")
    try:
        body = response.json()
    except ValueError:
        raise AssertionError(f"a 500 without a JSON body: {response.text[:200]!r}")
    if not isinstance(body, dict) or "data" not in body or body["data"] is not None:
        raise AssertionError(f"a 500 whose body is not Proxmox's {{\"data\": null}}: {response.text[:200]!r}")
    for marker in INTERNAL:
        if marker in response.text:
            raise AssertionError(f"an internal error reached the client: {response.text[:200]!r}")
    return None


def resolve(document, node):
    while isinstance(node, dict) and "$ref" in node:
        target = document
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def body_schema(case):
    operation = case.operation.definition.raw
    document = case.operation.schema.raw_schema
    content = resolve(document, operation.get("requestBody", {})).get("content", {})
    media = content.get("application/json") or next(iter(content.values()), None)
    return resolve(document, media.get("schema")) if media else None, document


def as_proxmox_reads_it(body, schema, document):
    """The body with Proxmox's lenient spellings turned into what they stand for."""
    if not isinstance(body, dict) or not isinstance(schema, dict):
        return body
    properties = schema.get("properties", {})
    result = dict(body)
    for name, value in body.items():
        prop = resolve(document, properties.get(name, {}))
        if prop.get("x-pve-type") == "boolean" and isinstance(value, bool):
            result[name] = int(value)
            continue
        if prop.get("type") != "string":
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            result[name] = str(value)
        elif (isinstance(value, list) and str(prop.get("format", "")).endswith("-list")
              and all(isinstance(item, (str, int, float)) and not isinstance(item, bool) for item in value)):
            result[name] = ",".join(str(item) for item in value)
    return result


@schemathesis.check
def refused_unless_proxmox_reads_it(ctx, response, case):
    try:
        return negative_data_rejection(ctx, response, case)
    except AssertionError:
        schema, document = body_schema(case)
        if schema is not None and isinstance(case.body, dict):
            coerced = as_proxmox_reads_it(case.body, schema, document)
            # (`0 == False` in Python: compare the JSON texts, not the values.)
            if json.dumps(coerced, sort_keys=True) != json.dumps(case.body, sort_keys=True) and jsonschema.Draft202012Validator(schema).is_valid(coerced):
                return None
        raise
