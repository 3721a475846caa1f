"""The one error format, and no 500 for bad input (issue: Step 1, item 4)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path
from rest_framework import serializers, status
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from common.errors import MESSAGE_NUL_BYTE, DomainError


class ProbeSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    headcount = serializers.IntegerField(min_value=0, max_value=2**31 - 1)
    starts_on = serializers.DateField()
    workers = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField(max_length=5)), required=False
    )


@api_view(["POST"])
@permission_classes([AllowAny])
def probe(request):
    serializer = ProbeSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    return Response({"ok": True})


@api_view(["GET"])
@permission_classes([AllowAny])
def refuse(request, kind):
    if kind == "domain":
        raise DomainError("No approved quota for year 2031.", code="no_approved_quota", field="year")
    if kind == "missing":
        raise Http404
    if kind == "forbidden":
        raise PermissionDenied
    if kind == "crash":
        raise RuntimeError("secret internal detail")
    return Response({"kind": kind})


@api_view(["GET"])
@permission_classes([AllowAny])
def who(request):
    return Response({"user": str(request.user)})


class OnePerMinute(AnonRateThrottle):
    rate = "1/minute"
    scope = "probe"


@api_view(["GET"])
@permission_classes([AllowAny])
@throttle_classes([OnePerMinute])
def throttled(request):
    return Response({})


@api_view(["GET"])
def protected(request):
    return Response({})


def crash_page(request):
    raise RuntimeError("secret internal detail")


urlpatterns = [
    path("api/v1/probe/", probe),
    path("api/v1/refuse/<str:kind>/", refuse),
    path("api/v1/throttled/", throttled),
    path("api/v1/protected/", protected),
    path("crash/", crash_page),
]
handler500 = "common.views.server_error"
handler404 = "common.views.page_not_found"

pytestmark = [pytest.mark.urls("tests.common.test_errors"), pytest.mark.django_db]

VALID = {"name": "Kvota", "headcount": 5, "starts_on": "2026-03-10"}


def assert_error(response, status_code, *, field=..., code=None):
    assert response.status_code == status_code, response.content
    body = response.json()
    assert set(body) == {"errors"}
    assert body["errors"], body
    for item in body["errors"]:
        assert set(item) == {"field", "code", "message"}
        assert isinstance(item["message"], str) and item["message"]
    if field is not ...:
        assert field in [item["field"] for item in body["errors"]], body
    if code is not None:
        assert code in [item["code"] for item in body["errors"]], body
    return body["errors"]


def test_valid_probe_passes(api_client):
    assert api_client.post("/api/v1/probe/", VALID, format="json").status_code == 200


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"name": "x" * 10_000}, "name", "max_length"),
        ({"headcount": 2**31}, "headcount", "max_value"),
        ({"headcount": 10**40}, "headcount", "max_value"),
        ({"headcount": -1}, "headcount", "min_value"),
        ({"headcount": "many"}, "headcount", "invalid"),
        ({"starts_on": "2026-02-30"}, "starts_on", "invalid"),
        ({"starts_on": "99999-01-01"}, "starts_on", "invalid"),
        ({"name": None}, "name", "null"),
    ],
)
def test_bad_input_answers_400_with_the_field(api_client, change, field, code):
    assert_error(api_client.post("/api/v1/probe/", {**VALID, **change}, format="json"), 400, field=field, code=code)


def test_missing_fields_are_each_listed(api_client):
    errors = assert_error(api_client.post("/api/v1/probe/", {}, format="json"), 400)
    assert {e["field"] for e in errors} == {"name", "headcount", "starts_on"}
    assert {e["code"] for e in errors} == {"required"}


def test_nested_errors_have_dotted_paths(api_client):
    response = api_client.post("/api/v1/probe/", {**VALID, "workers": [{"a": "ok"}, {"a": "too long"}]}, format="json")
    assert_error(response, 400, field="workers.1.a", code="max_length")


def test_malformed_json_is_a_400(api_client):
    response = api_client.post("/api/v1/probe/", "{not json", content_type="application/json")
    assert_error(response, 400, field=None, code="parse_error")


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"path": "/api/v1/probe/?q=a%00b"},
        {"path": "/api/v1/probe/", "data": '{"name": "a\\u0000b"}', "content_type": "application/json"},
        {"path": "/api/v1/probe/", "data": "name=a%00b", "content_type": "application/x-www-form-urlencoded"},
    ],
)
def test_nul_bytes_are_refused_before_any_view(client, request_kwargs):
    errors = assert_error(client.post(**request_kwargs), 400, code="null_characters_not_allowed")
    assert errors[0]["message"] == str(MESSAGE_NUL_BYTE)


def test_domain_error_is_409_with_its_code_and_field(api_client):
    errors = assert_error(api_client.get("/api/v1/refuse/domain/"), 409, field="year", code="no_approved_quota")
    assert errors[0]["message"] == "No approved quota for year 2031."


def test_not_found_and_forbidden(api_client):
    assert_error(api_client.get("/api/v1/refuse/missing/"), 404, field=None, code="not_found")
    assert_error(api_client.get("/api/v1/refuse/forbidden/"), 403, code="permission_denied")
    assert_error(api_client.get("/api/v1/no-such-endpoint/"), 404, code="not_found")


def test_anonymous_on_a_protected_endpoint_is_refused_in_the_format(api_client):
    response = api_client.get("/api/v1/protected/")
    assert_error(response, response.status_code, code="not_authenticated")
    assert response.status_code in (401, 403)


def test_throttling_answers_429(api_client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t429"}}
    api_client.get("/api/v1/throttled/")
    assert_error(api_client.get("/api/v1/throttled/"), status.HTTP_429_TOO_MANY_REQUESTS, code="throttled")


def test_api_500_is_json_without_internals(client):
    client.raise_request_exception = False
    response = client.get("/api/v1/refuse/crash/")
    body = assert_error(response, 500, code="server_error")
    assert "secret internal detail" not in str(body)


def test_page_500_shows_no_stack_trace(client):
    client.raise_request_exception = False
    response = client.get("/crash/")
    assert response.status_code == 500
    content = response.content.decode()
    assert "Something went wrong" in content
    assert "Traceback" not in content and "secret internal detail" not in content
