"""OpenAPI: every operation documents the one error format once, by reference to `ErrorResponse`."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent

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
        for code in codes:
            responses.setdefault(
                code,
                {"content": {"application/json": {"schema": component.ref}}, "description": ERROR_DESCRIPTIONS[code]},
            )
        return responses

    def _is_detail(self) -> bool:
        return "{" in self.path

    def _has_query_input(self) -> bool:
        return bool(getattr(self.view, "filterset_class", None) or getattr(self.view, "pagination_class", None))
