"""The OpenAPI schema tells the truth (issue 13, item 3); tests/test_api_fuzz.py checks every answer against it.

Request bodies are as strict as `InputSerializer` (no unknown keys), fields that can be null say so, a paginated
list documents the 404 of a page that does not exist, and an unknown API URL answers the error format even with
DEBUG on.
"""

import pytest

from common.api.inputs import InputSerializer

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(api_client):
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def _request_components(schema):
    return {name: component for name, component in schema["components"]["schemas"].items() if name.endswith("Request")}


def test_every_request_body_refuses_unknown_fields(schema):
    components = _request_components(schema)
    assert "QuotaPlanUpdateInputRequest" in components
    assert "AmendmentChangeInputRequest" in components  # a nested row as well as the body
    for name, component in components.items():
        assert component.get("additionalProperties") is False, name


def _input_serializers(cls=InputSerializer):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _input_serializers(subclass)


def test_every_request_body_requires_what_its_validation_requires(schema):
    """An empty body is refused for exactly the fields the schema lists as required, a PATCH body as well."""
    components = _request_components(schema)
    checked = 0
    for serializer_class in _input_serializers():
        name = serializer_class.__name__.removesuffix("Serializer") + "Request"
        if name not in components:
            continue  # not an API body (a base class, or a nested row checked through its parent)
        serializer = serializer_class(data={})
        serializer.is_valid()
        missing = {field for field, errors in serializer.errors.items() if any(e.code == "required" for e in errors)}
        assert missing == set(components[name].get("required", [])), name
        checked += 1
    assert checked >= 10


def test_patch_bodies_are_not_looser_than_their_validation(schema):
    patch = schema["paths"]["/api/v1/labour-force/{id}/"]["patch"]["requestBody"]
    assert patch["required"] is True
    component = schema["components"]["schemas"]["LabourForceCorrectInputRequest"]
    assert set(component["required"]) == {"persons", "source", "reason"}
    assert component["additionalProperties"] is False
    assert not [name for name in schema["components"]["schemas"] if name.startswith("Patched")]


def test_request_bodies_do_not_borrow_the_base_class_docstring(schema):
    for name, component in _request_components(schema).items():
        assert "Base of API input serializers" not in component.get("description", ""), name


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("AuditEventOutput", "actor_username"),
        ("QuotaBalanceOutput", "region"),
        ("QuotaBalanceOutput", "region_name"),
        ("QuotaAmendmentDetailOutput", "version"),
        ("QuotaAmendmentDetailOutput", "created_by"),
        ("QuotaAmendmentDetailOutput", "approved_by"),
        ("AmendmentChangeOutput", "region"),
        ("AmendmentChangeOutput", "from_region"),
        ("QuotaYearOutput", "closed_by"),
        ("PolicyPeriodOutput", "created_by"),
        ("OccupationOutput", "parent"),
    ],
)
def test_fields_that_can_be_null_are_nullable(schema, component, field):
    assert schema["components"]["schemas"][component]["properties"][field].get("nullable") is True


@pytest.mark.parametrize(
    ("component", "field"), [("AmendmentChangeOutput", "category"), ("QuotaBalanceOutput", "category")]
)
def test_a_category_that_can_be_blank_admits_blank(schema, component, field):
    options = schema["components"]["schemas"][component]["properties"][field]["oneOf"]
    assert {"$ref": "#/components/schemas/BlankEnum"} in options


def test_paginated_lists_document_the_404_of_a_missing_page(schema, api_client, ministry_user):
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if get and "page" in {parameter["name"] for parameter in get.get("parameters", [])}:
            assert "404" in get["responses"], path
    api_client.force_authenticate(ministry_user)
    for page in (0, 999):
        response = api_client.get("/api/v1/regions/", {"page": page})
        assert response.status_code == 404
        assert response.json()["errors"][0]["code"] == "not_found"


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unknown_api_url_answers_the_error_format_whatever_debug_says(api_client, settings, debug, method):
    settings.DEBUG = debug
    for url in ("/api/v1/no-such-endpoint/", "/api/v2/", "/api/nothing-here"):
        response = getattr(api_client, method)(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/json", url
        assert response.json() == {"errors": [{"field": None, "code": "not_found", "message": "Not found."}]}


def test_a_missing_slash_still_redirects_to_the_operation(api_client):
    response = api_client.get("/api/v1/regions?kind=city")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/regions/?kind=city"
