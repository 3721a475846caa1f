"""One error format for the whole API: {"errors": [{"field", "code", "message"}]}.

Services raise `DomainError` (or Django's ValidationError); the API answers with the status the error
names and never a 500 for input a client sent.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger("kvota.security")

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY

MESSAGE_BAD_VALUE = _("A value in the request cannot be stored (too long, out of range or malformed).")
MESSAGE_NUL_BYTE = _("The request contains a NUL character, which is not allowed.")
MESSAGE_NOT_FOUND = _("Not found.")
MESSAGE_SERVER_ERROR = _("An unexpected error occurred. It has been logged; please try again later.")


class DomainError(Exception):
    """A business rule refused the operation. Default status 409 (conflict with the current state)."""

    status_code = status.HTTP_409_CONFLICT

    def __init__(self, message, *, code: str, field: str | None = None, status_code: int | None = None):
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.field = field
        if status_code is not None:
            self.status_code = status_code


def error_item(*, field: str | None, code: str, message) -> dict:
    return {"field": field, "code": str(code), "message": str(message)}


def error_body(items: list[dict]) -> dict:
    return {"errors": items}


def _flatten(detail, codes, prefix: str | None = None) -> list[dict]:
    """Turn DRF's nested error detail into a flat list with dotted field paths (workers.0.passport)."""
    if isinstance(detail, dict):
        items = []
        for key, value in detail.items():
            key_path = None if key == NON_FIELD else (f"{prefix}.{key}" if prefix else str(key))
            if key == NON_FIELD and prefix:
                key_path = prefix
            items += _flatten(value, codes.get(key) if isinstance(codes, dict) else codes, key_path)
        return items
    if isinstance(detail, list):
        items = []
        for index, value in enumerate(detail):
            code = codes[index] if isinstance(codes, list) and index < len(codes) else codes
            if isinstance(value, dict | list):
                items += _flatten(value, code, f"{prefix}.{index}" if prefix else str(index))
            else:
                items += _flatten(value, code, prefix)
        return items
    return [error_item(field=prefix, code=codes if isinstance(codes, str) else "invalid", message=detail)]


def api_exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: every handled error answers in the one format."""
    if isinstance(exc, DomainError):
        return Response(
            error_body([error_item(field=exc.field, code=exc.code, message=exc.message)]), status=exc.status_code
        )
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD: exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    if isinstance(exc, DataError | OverflowError):
        # The database refused a value a validator should have caught (PostgreSQL: DataError; SQLite: an
        # integer beyond 64 bits raises OverflowError): a client error, never a 500.
        logger.warning("DataError reached the API: %s", exc)
        return Response(
            error_body([error_item(field=None, code="invalid", message=MESSAGE_BAD_VALUE)]),
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if response.status_code in (status.HTTP_401_UNAUTHORIZED, status.HTTP_403_FORBIDDEN):
        log_refusal(context.get("request"), response.status_code)
    if isinstance(exc, exceptions.ValidationError):
        items = _flatten(exc.detail, exc.get_codes())
    else:
        codes = exc.get_codes()
        items = [error_item(field=None, code=codes if isinstance(codes, str) else exc.default_code, message=exc.detail)]
    response.data = error_body(items)
    return response


def log_refusal(request, status_code: int) -> None:
    """Every failed authentication (401) and authorisation (403) leaves a security line."""
    from .security import log_security_event, request_username

    if request is None:
        return
    log_security_event(
        "authentication_required" if status_code == status.HTTP_401_UNAUTHORIZED else "permission_denied",
        request=request,
        username=request_username(request),
        level=logging.WARNING,
        status=status_code,
        method=request.method,
        path=request.path,
    )


def is_api_request(request) -> bool:
    return request.path.startswith("/api/")


def json_error(status_code: int, *, code: str, message, field: str | None = None) -> JsonResponse:
    return JsonResponse(error_body([error_item(field=field, code=code, message=message)]), status=status_code)
