"""check_openapi.py must fail: on a document that breaks the OpenAPI 3.1 rules, on a method whose
parameters drift from Proxmox's, and on a reviewed difference that is no longer true."""
import copy

import check_openapi

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/api2/json/nodes/{node}/qemu/{vmid}/status/start": {
            "post": {
                "parameters": [{"name": "node", "in": "path", "required": True, "schema": {"type": "string"}},
                               {"name": "vmid", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "requestBody": {"content": {"application/json": {"schema": {
                    "type": "object", "properties": {"timeout": {"type": "integer"}},
                    "patternProperties": {"^net\\d+$": {"type": "string"}}}}}},
                "responses": {"200": {"description": "ok"}},
            }
        }
    },
}
PROXMOX = {"POST /nodes/{node}/qemu/{vmid}/status/start": ["net[n]?", "node", "timeout?", "vmid"]}


def test_a_valid_document_passes():
    assert check_openapi.validation_errors(DOCUMENT) == []
    found, summary = check_openapi.drift(DOCUMENT, PROXMOX)
    assert found == []
    assert summary == "api-compat: 1/1 methods identical (0 mismatched, 0 extra)"


def test_a_document_that_breaks_the_rules_fails():
    broken = copy.deepcopy(DOCUMENT)
    del broken["paths"]["/api2/json/nodes/{node}/qemu/{vmid}/status/start"]["post"]["parameters"][0]["in"]
    assert check_openapi.validation_errors(broken)
    assert check_openapi.validation_errors({**DOCUMENT, "openapi": "3.0.3"})


def test_drift_from_proxmox_fails_unless_reviewed():
    proxmox = {"POST /nodes/{node}/qemu/{vmid}/status/start": ["node", "timeout", "vmid", "skiplock?", "net[n]?"],
               "GET /version": []}
    found, summary = check_openapi.drift(DOCUMENT, proxmox)
    method = "POST /nodes/{node}/qemu/{vmid}/status/start"
    assert found == [f"{method}: parameter timeout is optional, Proxmox: required", f"{method}: missing parameter skiplock"]
    assert summary == "api-compat: 0/2 methods identical (1 mismatched, 0 extra)"
    assert len(check_openapi.drift_failures(found, {})) == 2
    reviewed = check_openapi.reviewed_deviations(
        f"# comment\n{found[0]} -- a reason\n{found[1]} -- another\n")
    assert check_openapi.drift_failures(found, reviewed) == []


def test_extra_methods_and_stale_reviews_fail():
    found, _ = check_openapi.drift(DOCUMENT, {})
    assert found == ["POST /nodes/{node}/qemu/{vmid}/status/start: not in Proxmox's API"]
    stale = check_openapi.reviewed_deviations("GET /gone: extra parameter x -- was so once\n")
    assert check_openapi.drift_failures([], stale) == ["listed in api-deviations.txt but no longer true: GET /gone: extra parameter x"]


def test_a_reviewed_difference_needs_a_reason():
    try:
        check_openapi.reviewed_deviations("GET /x: extra parameter y\n")
    except ValueError as error:
        assert "no reason" in str(error)
    else:
        raise AssertionError("a line without a reason was accepted")
