"""What every state machine shares (STYLE.md "Workflows and audit"): a table of transitions, the refusal lookup, the
row lock for a step and the four-eyes override. No app imports: each app keeps its own table (`quota/workflow.py`) and
one public function per workflow object answering, for a user, every step's refusal or None; its services call that
function under the row lock before acting, and its pages and API only display the answer ("Pages and the API ask;
services decide").

A `Refusal` carries the code and the message the service raises (`Refusal.exception()`: 403 for
`permission_denied`, else a DomainError with its status, 409 by default), so a page hint and a service error never
disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.errors import DomainError
from common.roles import user_role

# The generic refusal codes (an app may name its own code for the terminal status, e.g. "plan_approved").
PERMISSION_DENIED = "permission_denied"  # not this role (or no user for a step the system may not make)
INVALID_TRANSITION = "invalid_transition"  # not from this status
IMMUTABLE = "immutable"  # the terminal status: the object never changes again
SAME_OFFICIAL = "same_official"  # four eyes: the earlier actor may not make this step
REASON_REQUIRED = "reason_required"  # a decision that needs a written reason

# The four-eyes override of a breaking rule: one official records it with a reason, another confirms it.
NOT_FLAGGED = "not_flagged"  # nothing to override
OVERRIDE_EXISTS = "override_exists"
NO_OVERRIDE = "no_override"  # nothing to confirm
OVERRIDE_CONFIRMED = "override_already_confirmed"

GENERIC_MESSAGES = {
    PERMISSION_DENIED: _("Your role may not make this step."),
    INVALID_TRANSITION: _("This step is not possible from the current status."),
    IMMUTABLE: _("This record is final: it never changes again."),
    SAME_OFFICIAL: _("Four eyes: another official must make this step."),
    REASON_REQUIRED: _("Give the reason."),
    NOT_FLAGGED: _("The rule holds: there is nothing to override."),
    OVERRIDE_EXISTS: _("An override is already recorded."),
    NO_OVERRIDE: _("No override is recorded: there is nothing to confirm."),
    OVERRIDE_CONFIRMED: _("The override is already confirmed."),
}


#: "No reason was passed": pages ask for refusals before a reason exists; services pass the one they were given.
NOT_GIVEN = object()


@dataclass(frozen=True)
class Refusal:
    """Why a step may not happen now: the code and message a service raises and a page may show as a hint."""

    code: str
    message: str
    status_code: int = 409
    field: str | None = None

    def exception(self) -> Exception:
        if self.code == PERMISSION_DENIED:
            return PermissionDenied(self.message)
        return DomainError(self.message, code=self.code, field=self.field, status_code=self.status_code)


def refused(code: str, message=None, **kwargs) -> Refusal:
    """A refusal with `code`, its message defaulting to the generic one."""
    return Refusal(code, message if message is not None else GENERIC_MESSAGES.get(code, code), **kwargs)


@dataclass(frozen=True)
class Transition:
    """One step of a workflow: from `sources` to `target` (None: the status stays), made by `roles`; when `other_than`
    names a field of the object (e.g. "proposed_by"), the user in it may not make this step (four eyes);
    `reason_required` steps need a written reason; `by_system` steps may also be made by the system itself (no user:
    loaders, the demo seeder) — decisions that need a named official never are."""

    name: str
    sources: frozenset[str]
    target: str | None
    roles: frozenset[str]
    other_than: str | None = None
    reason_required: bool = False
    by_system: bool = False


class Workflow:
    """A transition table and its generic refusal lookup. `terminal` statuses never change again: every step from
    them is refused with `terminal_code` (checked before the table, so an approved object answers the same for every
    step)."""

    def __init__(
        self, transitions: Iterable[Transition], *, terminal: Iterable[str] = (), terminal_code: str = IMMUTABLE
    ):
        self.transitions: dict[str, Transition] = {t.name: t for t in transitions}
        self.terminal = frozenset(terminal)
        self.terminal_code = terminal_code

    def __getitem__(self, step: str) -> Transition:
        return self.transitions[step]

    @property
    def steps(self) -> list[str]:
        return list(self.transitions)

    def refusal_code(
        self, step: str, *, status: str, role: str | None, actor_id: int | None, earlier_actor_id: int | None = None
    ) -> str | None:
        """Why `step` may not happen now, as a code, or None. `earlier_actor_id` is the id of the user in the step's
        `other_than` field; `actor_id` None is the system itself, allowed only for `by_system` steps."""
        transition = self.transitions[step]
        if (actor_id is None and not transition.by_system) or (actor_id is not None and role not in transition.roles):
            return PERMISSION_DENIED
        if status in self.terminal:
            return self.terminal_code
        if status not in transition.sources:
            return INVALID_TRANSITION
        if transition.other_than and actor_id is not None and actor_id == earlier_actor_id:
            return SAME_OFFICIAL
        return None

    def refusal_for(self, step: str, obj, actor, *, describe: Callable[[str, str], Refusal] | None = None):
        """The generic refusal of `step` on `obj` (its `status`, and its `<other_than>_id` for four eyes) by `actor`
        (None or anonymous: the system), as a Refusal described by `describe(code, step)` (default: the generic
        message), or None."""
        role, actor_id = actor_facts(actor)
        transition = self.transitions[step]
        earlier = getattr(obj, f"{transition.other_than}_id") if transition.other_than else None
        code = self.refusal_code(step, status=obj.status, role=role, actor_id=actor_id, earlier_actor_id=earlier)
        if code is None:
            return None
        return describe(code, step) if describe is not None else refused(code)

    def step_hints(
        self, refusals: dict[str, Refusal | None], steps: Iterable[str], *, shown_elsewhere: Iterable[str] = ()
    ) -> list[Refusal]:
        """The refusals of `steps` worth showing beside a page's controls: those of the object's own rules (an effective
        date not reached, a rule not met), not those of a role, a status or four eyes (the page says those its own
        way), nor the codes in `shown_elsewhere`."""
        quiet = {PERMISSION_DENIED, INVALID_TRANSITION, SAME_OFFICIAL, self.terminal_code, *shown_elsewhere}
        return [refusals[step] for step in steps if refusals.get(step) is not None and refusals[step].code not in quiet]

    def available(self, *, status: str, role: str | None) -> list[str]:
        """The steps a user of `role` may start from `status` (four eyes and object rules aside)."""
        return [
            name
            for name, t in self.transitions.items()
            if role in t.roles and status in t.sources and status not in self.terminal
        ]


def awaits_other_official(refusal: Refusal | None) -> bool:
    """The step is refused only by four eyes: the page says another official must make it."""
    return refusal is not None and refusal.code == SAME_OFFICIAL


def actor_facts(actor) -> tuple[str | None, int | None]:
    """(role, id) of a signed-in user; (None, None) for the system (None) or an anonymous user."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, None
    return user_role(actor), actor.pk


def require_role(actor, roles: Iterable[str], *, message, by_system: bool = False) -> None:
    """403 unless `actor` holds one of `roles`; the system (actor None) passes only where `by_system` allows it (a
    loader or seeder writes plans; an amendment always needs a named official)."""
    if actor is None and by_system:
        return
    if user_role(actor) not in set(roles):
        raise PermissionDenied(message)


def first_refusal(*checks: Callable[[], Refusal | None]) -> Refusal | None:
    """The first refusal of `checks`, evaluated in order (later checks may be expensive or assume earlier ones)."""
    for check in checks:
        refusal = check()
        if refusal is not None:
            return refusal
    return None


def lock_for_step(queryset, pk, check: Callable[[object], Refusal | None]):
    """The row `pk` of `queryset`, locked for the rest of the transaction (select_for_update), once `check` — the
    object's step-refusal function for this step and actor — finds no refusal; its refusal is raised otherwise."""
    obj = queryset.select_for_update().get(pk=pk)
    refusal = check(obj)
    if refusal is not None:
        raise refusal.exception()
    return obj


# ---------------------------------------------------------------------------------------------------------------------
# The four-eyes override: fields override_reason, overridden_at/_by, override_confirmed_at/_by on the object
# ---------------------------------------------------------------------------------------------------------------------
OVERRIDE_STEP, CONFIRM_OVERRIDE_STEP = "override", "confirm_override"


def override_refusal(obj, step: str, *, flagged: bool, messages: dict[str, object] | None = None) -> Refusal | None:
    """The object-specific refusal of the override steps: recording needs a broken rule (`flagged`) and no override
    yet; confirming needs a recorded, unconfirmed one (four eyes is the table's `other_than="overridden_by"`)."""
    messages = messages or {}

    def no(code):
        return refused(code, messages.get(code))

    if step == OVERRIDE_STEP:
        if not flagged:
            return no(NOT_FLAGGED)
        if obj.overridden_at is not None:
            return no(OVERRIDE_EXISTS)
    elif step == CONFIRM_OVERRIDE_STEP:
        if obj.overridden_at is None:
            return no(NO_OVERRIDE)
        if obj.override_confirmed_at is not None:
            return no(OVERRIDE_CONFIRMED)
    return None


def override_record(obj, *, reason: str, actor) -> None:
    obj.override_reason, obj.overridden_at, obj.overridden_by = reason, timezone.now(), actor


def override_confirm(obj, *, actor) -> None:
    obj.override_confirmed_at, obj.override_confirmed_by = timezone.now(), actor


def override_clear(obj) -> None:
    obj.override_reason = ""
    obj.overridden_at = obj.overridden_by = None
    obj.override_confirmed_at = obj.override_confirmed_by = None
