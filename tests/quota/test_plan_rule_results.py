"""PlanResult.rule_results: each rule's result, assembled once in quota.calculation (pure, no database)."""

from tests.quota.test_calculation import golden_1_plan


def test_rule_results_of_golden_1_seasonal_excluded():
    plan = golden_1_plan()
    rules = plan.rule_results()
    assert list(rules) == [
        "reserves_within_ceiling",
        "cells_sum_to_pool",
        "managers_specialists",
        "country_caps_within_ceiling",
    ]
    assert rules["reserves_within_ceiling"] == {"passes": True, "reserved": 500, "ceiling": 7_000}
    assert rules["cells_sum_to_pool"] == {"passes": True, "cells": 6_500, "national_headroom": 0, "pool": 6_500}
    assert rules["managers_specialists"] == {
        **plan.share.as_dict(),
        "flagged": False,
        "fix": None,
        "fix_error_code": None,
        "fix_error_message": None,
        "fix_applied": None,
    }
    assert rules["country_caps_within_ceiling"] == {"passes": True, "caps": {}, "ceiling": 7_000}


def test_rule_results_carry_the_offered_fix_when_flagged():
    plan = golden_1_plan(seasonal_included=True, country_caps={"CN": 1_000})
    rules = plan.rule_results()
    assert rules["managers_specialists"]["flagged"] is True
    assert rules["managers_specialists"]["fix"] == plan.fix.as_dict()
    assert rules["managers_specialists"]["fix_applied"] is None
    assert rules["country_caps_within_ceiling"]["caps"] == {"CN": 1_000}
