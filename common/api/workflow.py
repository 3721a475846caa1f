"""A workflow object's steps in the API (STYLE.md "Pages and the API ask; services decide"): the answer of the
object's refusal function (e.g. quota.services.plan_step_refusals) for the requesting user, displayed as is."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class StepRefusalSerializer(serializers.Serializer):
    step = serializers.CharField(help_text=_("The workflow step, as its action is named (approve, return, …)."))
    code = serializers.CharField(help_text=_("The refusal code the step's action would answer with now."))
    message = serializers.CharField(help_text=_("The refusal in the user's language."))


def _step_name(step: str) -> str:
    """Steps as the API's actions name them (confirm_override → confirm-override)."""
    return step.replace("_", "-")


class WorkflowStepsMixin(serializers.Serializer):
    """`allowed_steps` and `refused_steps` of a detail output: what the requesting user may do with the object now,
    and why not the rest. The subclass sets `step_refusals` to the object's refusal function (object, user)."""

    allowed_steps = serializers.SerializerMethodField(
        help_text=_("The steps you may take now (the actions of the same names would accept them).")
    )
    refused_steps = serializers.SerializerMethodField(
        help_text=_("The other steps, each with the code and message its action would answer with now.")
    )

    #: (object, user, **facts) → {step: Refusal | None}; a staticmethod in the subclass.
    step_refusals: Callable[..., Mapping] = None

    def step_facts(self, obj) -> dict:
        """Facts the refusal function may reuse instead of computing them again (an amendment's live outcome)."""
        return {}

    def _refusals(self, obj) -> Mapping:
        cache = self.context.setdefault("step_refusals", {})
        if obj.pk not in cache:
            user = getattr(self.context.get("request"), "user", None)
            cache[obj.pk] = self.step_refusals(obj, user, **self.step_facts(obj))
        return cache[obj.pk]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_steps(self, obj) -> list[str]:
        return [_step_name(step) for step, refusal in self._refusals(obj).items() if refusal is None]

    @extend_schema_field(StepRefusalSerializer(many=True))
    def get_refused_steps(self, obj) -> list[dict]:
        return [
            {"step": _step_name(step), "code": refusal.code, "message": str(refusal.message)}
            for step, refusal in self._refusals(obj).items()
            if refusal is not None
        ]
