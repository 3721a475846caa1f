"""OpenAPI: every operation documents the one error format once, by reference to `ErrorResponse`.

The schema is held to what the API does (tests/test_api_fuzz.py checks every answer against it): a request
body refuses unknown fields (`additionalProperties: false`, as `InputSerializer` does) and requires what its
validation requires (a PATCH too), and a paginated list documents the 404 of a page that does not exist.
"""

import copy
import inspect

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent

from common.api.inputs import InputSerializer, RejectUnknownFieldsMixin

ERROR_RESPONSE_SCHEMA = {
    "type": "object",
    "description": "Every 4xx answer of the API has this shape.",
    "properties": {
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {
                        "type": "string",
                        "nullable": True,
                        "description": "Dotted path of the input field (workers.0.passport_number), or null.",
                    },
                    "code": {"type": "string", "description": "Stable machine-readable reason code."},
                    "message": {"type": "string", "description": "Plain message in the user's language."},
                },
                "required": ["field", "code", "message"],
            },
        }
    },
    "required": ["errors"],
}

ERROR_DESCRIPTIONS = {
    "400": "Invalid input: each field's problem is listed.",
    "401": "Not authenticated.",
    "403": "Authenticated, but this role may not do this.",
    "404": "Not found, or not visible to you.",
    "404-list": "No such page (a page number below 1 or past the last page), or a parent not visible to you.",
    "409": "Refused by a business rule or a concurrent change.",
    "429": "Too many requests.",
}


class KvotaAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        component = ResolvedComponent(
            name="ErrorResponse", type=ResolvedComponent.SCHEMA, object="ErrorResponse", schema=ERROR_RESPONSE_SCHEMA
        )
        self.registry.register_on_missing(component)
        codes = ["401", "403", "429"]
        if self.method in ("POST", "PUT", "PATCH") or self._has_query_input():
            codes.append("400")
        if self._is_detail() or self.method in ("POST", "PUT", "PATCH", "DELETE"):
            codes += ["404", "409"] if self.method != "GET" else ["404"]
        paginated_list = self.method == "GET" and self._is_list_view() and self._get_paginator() is not None
        if paginated_list and "404" not in codes:
            codes.append("404")  # DRF's paginator answers 404 for ?page=0 or a page past the last
        for code in codes:
            description = ERROR_DESCRIPTIONS["404-list" if code == "404" and paginated_list else code]
            responses.setdefault(
                code, {"content": {"application/json": {"schema": component.ref}}, "description": description}
            )
        return responses

    def resolve_serializer(self, serializer, direction, bypass_extensions=False):
        if direction == "request" and isinstance(serializer, RejectUnknownFieldsMixin) and serializer.partial:
            # drf-spectacular marks every PATCH body partial (nothing required), but Kvota's views validate a PATCH
            # with its InputSerializer as declared: a field a PATCH may omit is declared required=False.
            serializer = copy.copy(serializer)
            serializer.partial = False
        return super().resolve_serializer(serializer, direction, bypass_extensions)

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if isinstance(serializer, RejectUnknownFieldsMixin) and direction == "request":
            # InputSerializer answers 400 `unknown_field` for any key it does not declare.
            schema["additionalProperties"] = False
        if schema.get("description") == inspect.getdoc(InputSerializer):
            del schema["description"]  # the base class's docstring says nothing about this body
        return schema

    def _is_detail(self) -> bool:
        return "{" in self.path

    def _has_query_input(self) -> bool:
        return bool(getattr(self.view, "filterset_class", None) or getattr(self.view, "pagination_class", None))
