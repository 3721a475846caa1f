"""The annual quota plan's workflow (DOMAIN §3 steps 4 and 6): which transitions exist, from which statuses, who may
make them, and which earlier actor must be someone else (four eyes). Pure data and pure checks, no ORM: each
service in quota/services.py locks the plan row, asks `refusal` whether its transition may happen, changes the plan
and records the audit event in the same transaction (STYLE.md "Workflows and audit").

    draft ──compute──▶ computed ──propose──▶ proposed ──approve (another official)──▶ approved
      ▲                 │  ▲ apply-fix / override / confirm-override (another official)        (immutable)
      │                 │  └─┘
      └─inputs changed──┘                     proposed ──return (with a reason)──▶ draft

A "returned" plan is a draft again: its inputs are editable, its result is cleared, and the reason is shown on the
plan (and kept in the audit trail), so there is no status of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from common.roles import MINISTRY_OFFICIAL

DRAFT, COMPUTED, PROPOSED, APPROVED = "draft", "computed", "proposed", "approved"

#: Statuses whose inputs (figures, demand, project reserves, country caps) may change.
EDITABLE = frozenset({DRAFT, COMPUTED})

# Refusal codes (the services turn them into DomainError with their messages).
REFUSED_APPROVED = "plan_approved"  # an approved plan never changes
REFUSED_STATUS = "invalid_transition"  # not from this status
REFUSED_ROLE = "permission_denied"  # not this role
REFUSED_SAME_OFFICIAL = "same_official"  # four eyes: the earlier actor may not make this one


@dataclass(frozen=True)
class Transition:
    """One step of the workflow: from `sources` to `target` (None: the status stays), made by `roles`; when
    `other_than` names a plan field (e.g. "proposed_by"), the user in it may not make this step; `reason_required`
    steps need a written reason; `by_system` steps may also be made by the system itself (no user: loaders, the
    demo seeder) — decisions that need a named official never are."""

    name: str
    sources: frozenset[str]
    target: str | None
    roles: frozenset[str]
    other_than: str | None = None
    reason_required: bool = False
    by_system: bool = False


_MINISTRY = frozenset({MINISTRY_OFFICIAL})

TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
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
    )
}


#: An amendment of an approved plan (DOMAIN §5): the same four eyes as a plan. Its changes are edited while it is a
#: draft; a breaking managers/specialists rule is overridden by one official and confirmed by another before it is
#: proposed; approval applies it to the ledger.
AMENDMENT_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("change", frozenset({DRAFT}), DRAFT, _MINISTRY),
        Transition("override", frozenset({DRAFT}), None, _MINISTRY, reason_required=True),
        Transition("confirm_override", frozenset({DRAFT}), None, _MINISTRY, other_than="overridden_by"),
        Transition("propose", frozenset({DRAFT}), PROPOSED, _MINISTRY),
        Transition("approve", frozenset({PROPOSED}), APPROVED, _MINISTRY, other_than="proposed_by"),
        Transition("return", frozenset({PROPOSED}), DRAFT, _MINISTRY, reason_required=True),
    )
}


def transition(name: str, *, transitions: dict[str, Transition] = TRANSITIONS) -> Transition:
    return transitions[name]


def refusal(
    name: str,
    *,
    status: str,
    role: str | None,
    actor_id: int | None,
    earlier_actor_id: int | None = None,
    transitions: dict[str, Transition] = TRANSITIONS,
) -> str | None:
    """Why `name` may not happen now, as a refusal code, or None when it may. `earlier_actor_id` is the id of the user
    in the transition's `other_than` field (None when there is none); `actor_id` None is the system itself, allowed
    only for `by_system` steps."""
    step = transitions[name]
    if (actor_id is None and not step.by_system) or (actor_id is not None and role not in step.roles):
        return REFUSED_ROLE
    if status == APPROVED:
        return REFUSED_APPROVED
    if status not in step.sources:
        return REFUSED_STATUS
    if step.other_than and actor_id is not None and actor_id == earlier_actor_id:
        return REFUSED_SAME_OFFICIAL
    return None


def available(*, status: str, role: str | None, transitions: dict[str, Transition] = TRANSITIONS) -> list[str]:
    """The transitions a user of `role` may start from `status` (for pages; four eyes is checked on the request)."""
    return [name for name, step in transitions.items() if role in step.roles and status in step.sources]
