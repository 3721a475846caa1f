"""The annual quota plan's workflow (DOMAIN §3 steps 4 and 6): which transitions exist, from which statuses, who may
make them, and which earlier actor must be someone else (four eyes). Pure data, no ORM: the engine (refusal
lookup, row lock for a step, four-eyes override) is common/workflow.py; the per-object rules are in
`quota.services.plan_step_refusals` and `quota.amendments.amendment_step_refusals`, which services call under the row
lock and pages only display (STYLE.md "Workflows and audit").

    draft ──compute──▶ computed ──propose──▶ proposed ──approve (another official)──▶ approved
      ▲                 │  ▲ apply-fix / override / confirm-override (another official)        (immutable)
      │                 │  └─┘
      └─inputs changed──┘                     proposed ──return (with a reason)──▶ draft

A "returned" plan is a draft again: its inputs are editable, its result is cleared, and the reason is shown on the
plan (and kept in the audit trail), so there is no status of its own.
"""

from __future__ import annotations

from common.roles import MINISTRY_OFFICIAL
from common.workflow import INVALID_TRANSITION, PERMISSION_DENIED, SAME_OFFICIAL, Transition, Workflow

from .models import AmendmentStatus, PlanStatus, QuotaPlan

__all__ = ["AMENDMENT_TRANSITIONS", "AMENDMENT_WORKFLOW", "PLAN_WORKFLOW", "TRANSITIONS", "Transition"]

DRAFT, COMPUTED, PROPOSED, APPROVED = PlanStatus.DRAFT, PlanStatus.COMPUTED, PlanStatus.PROPOSED, PlanStatus.APPROVED

#: Statuses whose inputs (figures, demand, project reserves, country caps) may change.
EDITABLE = QuotaPlan.EDITABLE

# Refusal codes (the services raise them with their messages).
REFUSED_APPROVED = "plan_approved"  # an approved plan never changes
REFUSED_STATUS = INVALID_TRANSITION  # not from this status
REFUSED_ROLE = PERMISSION_DENIED  # not this role
REFUSED_SAME_OFFICIAL = SAME_OFFICIAL  # four eyes: the earlier actor may not make this one
REFUSED_AMENDMENT_APPROVED = "amendment_approved"  # an approved amendment never changes

_MINISTRY = frozenset({MINISTRY_OFFICIAL})

PLAN_WORKFLOW = Workflow(
    (
        # Inputs (statistics year, entered labour force, demand, reserves, caps): a computed plan returns to draft.
        Transition("change_inputs", EDITABLE, DRAFT, _MINISTRY, by_system=True),
        Transition("compute", EDITABLE, COMPUTED, _MINISTRY, by_system=True),
        # Remedies for a broken managers/specialists rule (DOMAIN §3 step 4).
        Transition("apply_fix", frozenset({COMPUTED}), None, _MINISTRY),
        Transition("override", frozenset({COMPUTED}), None, _MINISTRY, reason_required=True),
        Transition("confirm_override", frozenset({COMPUTED}), None, _MINISTRY, other_than="overridden_by"),
        # The lifecycle (DOMAIN §3 step 6).
        Transition("propose", frozenset({COMPUTED}), PROPOSED, _MINISTRY),
        Transition("approve", frozenset({PROPOSED}), APPROVED, _MINISTRY, other_than="proposed_by"),
        # Any ministry official may return a proposed plan, its proposer included (to withdraw it and correct it).
        Transition("return", frozenset({PROPOSED}), DRAFT, _MINISTRY, reason_required=True),
    ),
    terminal={APPROVED},
    terminal_code=REFUSED_APPROVED,
)
TRANSITIONS = PLAN_WORKFLOW.transitions

#: An amendment of an approved plan (DOMAIN §5): the same four eyes as a plan. Its changes are edited while it is a
#: draft; a breaking managers/specialists rule is overridden by one official and confirmed by another before it is
#: proposed; approval applies it to the ledger.
_A_DRAFT, _A_PROPOSED = AmendmentStatus.DRAFT, AmendmentStatus.PROPOSED
AMENDMENT_WORKFLOW = Workflow(
    (
        Transition("change", frozenset({_A_DRAFT}), _A_DRAFT, _MINISTRY),
        Transition("override", frozenset({_A_DRAFT}), None, _MINISTRY, reason_required=True),
        Transition("confirm_override", frozenset({_A_DRAFT}), None, _MINISTRY, other_than="overridden_by"),
        Transition("propose", frozenset({_A_DRAFT}), _A_PROPOSED, _MINISTRY),
        Transition("approve", frozenset({_A_PROPOSED}), AmendmentStatus.APPROVED, _MINISTRY, other_than="proposed_by"),
        Transition("return", frozenset({_A_PROPOSED}), _A_DRAFT, _MINISTRY, reason_required=True),
    ),
    terminal={AmendmentStatus.APPROVED},
    terminal_code=REFUSED_AMENDMENT_APPROVED,
)
AMENDMENT_TRANSITIONS = AMENDMENT_WORKFLOW.transitions


def transition(name: str, *, transitions: dict[str, Transition] = TRANSITIONS) -> Transition:
    return transitions[name]


def _workflow(transitions) -> Workflow:
    return AMENDMENT_WORKFLOW if transitions is AMENDMENT_TRANSITIONS else PLAN_WORKFLOW


def refusal(
    name: str,
    *,
    status: str,
    role: str | None,
    actor_id: int | None,
    earlier_actor_id: int | None = None,
    transitions: dict[str, Transition] = TRANSITIONS,
) -> str | None:
    """Why `name` may not happen now, as a refusal code of the table alone, or None (the object's own rules are in
    its step-refusal function)."""
    return _workflow(transitions).refusal_code(
        name, status=status, role=role, actor_id=actor_id, earlier_actor_id=earlier_actor_id
    )


def available(*, status: str, role: str | None, transitions: dict[str, Transition] = TRANSITIONS) -> list[str]:
    """The transitions a user of `role` may start from `status` by the table alone."""
    return _workflow(transitions).available(status=status, role=role)
