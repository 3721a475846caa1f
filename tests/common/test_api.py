"""API skeleton: root, OpenAPI schema with the one error format (Step 1, item 5)."""

import pytest

pytestmark = pytest.mark.django_db


def test_api_root_links_schema_and_docs(api_client):
    response = api_client.get("/api/v1/")
    assert response.status_code == 200
    body = response.json()
    assert body["schema"].endswith("/api/schema/")
    assert body["docs"].endswith("/api/docs/")


def test_schema_documents_the_error_format_once(api_client):
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    error = schema["components"]["schemas"]["ErrorResponse"]
    item = error["properties"]["errors"]["items"]
    assert item["required"] == ["field", "code", "message"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for code in ("401", "403"):
                ref = operation["responses"][code]["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/ErrorResponse", (path, method, code)
