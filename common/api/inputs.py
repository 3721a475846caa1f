"""The base of every API input serializer: a field it does not know is refused, never silently dropped.

DRF ignores keys a serializer does not declare, so a misspelt field (`valid_form`) or one the endpoint
does not take (`status` in a PATCH) would answer 200 and change nothing the client meant. Every
`*InputSerializer` derives from `InputSerializer` (tests/common/test_secure_defaults.py holds it):
an unknown key answers 400 with code `unknown_field` naming it, nested rows by their dotted path
(`changes.0.colour`). Read-only fields count as unknown: a client cannot set them.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

CODE_UNKNOWN_FIELD = "unknown_field"
MESSAGE_UNKNOWN_FIELD = _("This field is not known here; remove it (check its spelling).")

# Keys that are not data: the CSRF token of an HTML form (DRF's browsable API).
IGNORED_KEYS = frozenset({"csrfmiddlewaretoken"})


class RejectUnknownFieldsMixin:
    """Refuse keys of the input that name no writable field (see the module docstring)."""

    def unknown_fields(self, data) -> list[str]:
        if not isinstance(data, Mapping):
            return []  # DRF answers "expected a dictionary" itself
        writable = {name for name, field in self.fields.items() if not field.read_only}
        return sorted(str(key) for key in data if key not in writable and key not in IGNORED_KEYS)

    def to_internal_value(self, data):
        unknown = self.unknown_fields(data)
        errors = {name: [ErrorDetail(str(MESSAGE_UNKNOWN_FIELD), code=CODE_UNKNOWN_FIELD)] for name in unknown}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if errors and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**exc.detail, **errors}) from None
            raise
        if errors:
            raise serializers.ValidationError(errors)
        return value


class InputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """Base of API input serializers (module-level, no business logic: STYLE.md)."""
