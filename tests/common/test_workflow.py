"""The shared workflow engine (common/workflow.py), without a database: the refusal lookup of a transition table in
its order (role, terminal status, source status, four eyes), the refusal as the exception services raise, the
four-eyes override's own refusals, and the hints a page shows."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied

from common.errors import DomainError
from common.workflow import (
    IMMUTABLE,
    INVALID_TRANSITION,
    NO_OVERRIDE,
    NOT_FLAGGED,
    OVERRIDE_CONFIRMED,
    OVERRIDE_EXISTS,
    PERMISSION_DENIED,
    SAME_OFFICIAL,
    Refusal,
    Transition,
    Workflow,
    awaits_other_official,
    first_refusal,
    override_clear,
    override_confirm,
    override_record,
    override_refusal,
    refused,
)

CLERK, JUDGE = "clerk", "judge"
FLOW = Workflow(
    (
        Transition("edit", frozenset({"open"}), "open", frozenset({CLERK}), by_system=True),
        Transition("submit", frozenset({"open"}), "submitted", frozenset({CLERK})),
        Transition("decide", frozenset({"submitted"}), "done", frozenset({CLERK, JUDGE}), other_than="submitted_by"),
        Transition("reject", frozenset({"submitted"}), "open", frozenset({JUDGE}), reason_required=True),
    ),
    terminal={"done"},
    terminal_code="case_done",
)


@pytest.mark.parametrize(
    ("step", "status", "role", "actor", "earlier", "expected"),
    [
        ("submit", "open", CLERK, 1, None, None),
        ("submit", "open", JUDGE, 1, None, PERMISSION_DENIED),  # not this role
        ("submit", "open", None, None, None, PERMISSION_DENIED),  # the system may not submit
        ("edit", "open", None, None, None, None),  # ... but may edit (by_system)
        ("submit", "submitted", CLERK, 1, None, INVALID_TRANSITION),
        ("submit", "done", CLERK, 1, None, "case_done"),  # the terminal status answers for every step
        ("decide", "done", JUDGE, 2, 1, "case_done"),  # ... before four eyes
        ("decide", "submitted", CLERK, 1, 1, SAME_OFFICIAL),  # four eyes
        ("decide", "submitted", JUDGE, 2, 1, None),
        ("decide", "submitted", "auditor", 2, 1, PERMISSION_DENIED),  # the role before everything
        ("reject", "open", JUDGE, 2, None, INVALID_TRANSITION),
    ],
)
def test_the_refusal_lookup_in_its_order(step, status, role, actor, earlier, expected):
    assert FLOW.refusal_code(step, status=status, role=role, actor_id=actor, earlier_actor_id=earlier) == expected


def test_the_table_and_what_a_role_may_start():
    assert FLOW.steps == ["edit", "submit", "decide", "reject"]
    assert FLOW["reject"].reason_required and not FLOW["submit"].reason_required
    assert FLOW.available(status="open", role=CLERK) == ["edit", "submit"]
    assert FLOW.available(status="submitted", role=JUDGE) == ["decide", "reject"]
    assert FLOW.available(status="done", role=JUDGE) == []
    assert Workflow(FLOW.transitions.values()).terminal_code == IMMUTABLE


def test_a_refusal_on_an_object_is_described_in_the_objects_words():
    case = SimpleNamespace(status="done", submitted_by_id=None)
    refusal = FLOW.refusal_for("submit", case, None)
    assert refusal.code == PERMISSION_DENIED  # the system may not submit: checked before the status
    refusal = FLOW.refusal_for("edit", case, None, describe=lambda code, step: refused(code, f"{step}: {code}"))
    assert refusal == Refusal("case_done", "edit: case_done")
    assert FLOW.refusal_for("edit", SimpleNamespace(status="open"), None) is None


def test_a_refusal_is_the_exception_a_service_raises():
    denied = refused(PERMISSION_DENIED, "No.").exception()
    assert isinstance(denied, PermissionDenied) and str(denied) == "No."
    error = refused("too_early", "Not yet.", field="date", status_code=400).exception()
    assert isinstance(error, DomainError)
    assert (error.code, error.message, error.field, error.status_code) == ("too_early", "Not yet.", "date", 400)
    assert refused(SAME_OFFICIAL).exception().status_code == 409
    assert refused(SAME_OFFICIAL).message  # a generic message when the object gives none


def test_the_four_eyes_override():
    case = SimpleNamespace(
        override_reason="",
        overridden_at=None,
        overridden_by=None,
        override_confirmed_at=None,
        override_confirmed_by=None,
    )
    assert override_refusal(case, "override", flagged=False).code == NOT_FLAGGED
    assert override_refusal(case, "override", flagged=True) is None
    assert override_refusal(case, "confirm_override", flagged=True).code == NO_OVERRIDE
    override_record(case, reason="Harvest", actor="first")
    assert (case.override_reason, case.overridden_by) == ("Harvest", "first") and case.overridden_at is not None
    assert override_refusal(case, "override", flagged=True, messages={OVERRIDE_EXISTS: "Once."}).message == "Once."
    assert override_refusal(case, "confirm_override", flagged=True) is None
    override_confirm(case, actor="second")
    assert case.override_confirmed_by == "second"
    assert override_refusal(case, "confirm_override", flagged=True).code == OVERRIDE_CONFIRMED
    override_clear(case)
    assert case.overridden_at is None and case.override_confirmed_at is None and case.override_reason == ""


def test_what_a_page_shows():
    refusals = {
        "submit": refused(INVALID_TRANSITION),
        "decide": refused(SAME_OFFICIAL),
        "reject": refused("too_early", "Not yet."),
        "edit": None,
    }
    assert FLOW.step_hints(refusals, ("submit", "decide", "reject", "edit")) == [refusals["reject"]]
    assert FLOW.step_hints(refusals, ("reject",), shown_elsewhere={"too_early"}) == []
    assert FLOW.step_hints({"submit": refused("case_done")}, ("submit",)) == []  # the terminal status: no hint
    assert awaits_other_official(refusals["decide"]) and not awaits_other_official(None)
    assert first_refusal(lambda: None, lambda: refusals["reject"], lambda: 1 / 0) is refusals["reject"]
