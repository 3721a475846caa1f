"""The pages' side of the shared workflow (common/workflow.py): one view for a step of any state machine, and what a
detail page's workflow controls (templates/components/workflow_controls.html) show. Pages ask, services decide
(STYLE.md "Workflows and audit"): a step page calls the step's service and shows its refusal; the controls show the
steps the object's step-refusal function allows for this user, never a rule of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from .errors import DomainError
from .pages import role_required
from .workflow import CONFIRM_OVERRIDE_STEP, OVERRIDE_STEP, Refusal, Workflow, awaits_other_official

#: The steps every detail page's controls offer after the object's own first step (a plan's fix, an amendment's
#: edit), in this order: the four-eyes override, then the lifecycle.
SHARED_STEPS = (OVERRIDE_STEP, CONFIRM_OVERRIDE_STEP, "propose", "approve", "return")
#: The steps whose refusals for the object's own rules are shown beside the controls.
HINTED_STEPS = ("propose", "approve")


@dataclass(frozen=True)
class WorkflowPages:
    """The pages of one workflow object (a quota plan, an amendment): how its step pages find it, call its services
    and answer, and the context its detail page's controls need.

    `lookup(request, pk)` is the object the user may see (404 otherwise); `render(request, obj, status=..., **context)`
    its detail page, the context overriding the page's own (a form with errors, the refusal); `subject` the keyword
    its services take it by ("plan"); its step routes are named `<route_prefix>-<step>-page` (underscores as
    hyphens) and its detail route `<route_prefix>-detail-page`."""

    workflow: Workflow
    subject: str
    lookup: Callable[[HttpRequest, int], object]
    render: Callable[..., HttpResponse]
    route_prefix: str
    reason_form: type[forms.Form]
    roles: tuple[str, ...]

    # -----------------------------------------------------------------------------------------------------------------
    # The step pages
    # -----------------------------------------------------------------------------------------------------------------
    def step_view(self, step: str, service: Callable, message):
        """The POST-only page of `step`: it calls `service(<subject>=obj, actor=user)` — with `reason=` from the reason
        form when the transition table says the step needs one — and redirects to the detail page with `message`
        (a string, or a function of the changed object); a refusal shows the detail page with its code and status."""

        @require_POST
        @role_required(*self.roles)
        def step_page(request, pk):
            return self._run(request, pk, step, service, message)

        step_page.__name__ = step_page.__qualname__ = f"{self.subject}_{step}_page"
        return step_page

    def _run(self, request, pk, step, service, message) -> HttpResponse:
        obj = self.lookup(request, pk)
        arguments = {self.subject: obj, "actor": request.user}
        form = None
        if self.workflow[step].reason_required:
            form = self.reason_form(request.POST, auto_id=f"id_{step}_%s")
            if not form.is_valid():
                return self.render(request, obj, status=400, **{f"{step}_form": form})
            arguments["reason"] = form.cleaned_data["reason"]
        try:
            obj = service(**arguments)
        except ValidationError as exc:
            if form is None:
                return self.refused(request, obj, exc)
            for error in exc.messages:  # the service's reason check (quota.services.reason_given)
                form.add_error("reason", error)
            return self.render(request, obj, status=400, **{f"{step}_form": form})
        except DomainError as exc:
            return self.refused(request, obj, exc)
        messages.success(request, message(obj) if callable(message) else message)
        return redirect(f"{self.route_prefix}-detail-page", pk=obj.pk)

    def refused(self, request, obj, exc: DomainError | ValidationError, **context) -> HttpResponse:
        """The detail page with a service's refusal (`action_error`), answered with its status: 409 by the state, 400
        for input. The object is read again: the page shows what the database holds after the refused step."""
        if isinstance(exc, ValidationError):
            exc = DomainError(" ".join(exc.messages), code="invalid", status_code=400)
        obj.refresh_from_db()
        return self.render(request, obj, status=exc.status_code, action_error=exc, **context)

    # -----------------------------------------------------------------------------------------------------------------
    # The detail page's controls
    # -----------------------------------------------------------------------------------------------------------------
    def controls(
        self, obj, refusals: dict[str, Refusal | None], *, lead: str, hints: bool = True, shown_elsewhere=()
    ) -> dict:
        """The context of templates/components/workflow_controls.html from `refusals` — the object's step-refusal
        function's answer for this user: `workflow` (which of `lead` — the object's own first step — and the shared
        steps are allowed, the step URLs, the four-eyes waits, the hints of why proposing or approving is refused by
        the object's own rules unless `hints` is False) and an empty reason form per allowed step that needs one."""
        allowed = {step: refusals[step] is None for step in (lead, *SHARED_STEPS)}
        hint_list = self.workflow.step_hints(refusals, HINTED_STEPS, shown_elsewhere=shown_elsewhere) if hints else []
        awaits_confirmation = obj.override_pending and awaits_other_official(refusals[CONFIRM_OVERRIDE_STEP])
        awaits_approval = awaits_other_official(refusals["approve"])
        context = {
            "workflow": {
                "allowed": allowed,
                "lead": allowed[lead],
                "urls": {step: self._url(step, obj) for step in SHARED_STEPS},
                "hints": hint_list,
                "awaits_confirmation": awaits_confirmation,
                "awaits_approval": awaits_approval,
                "shown": any(allowed.values()) or awaits_confirmation or awaits_approval or bool(hint_list),
            }
        }
        for step in SHARED_STEPS:
            if allowed[step] and self.workflow[step].reason_required:
                context[f"{step}_form"] = self.reason_form(auto_id=f"id_{step}_%s")
        return context

    def _url(self, step: str, obj) -> str:
        return reverse(f"{self.route_prefix}-{step.replace('_', '-')}-page", args=[obj.pk])
