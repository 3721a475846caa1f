"""Tests for quota/calculation.py — the annual quota plan maths of DOMAIN §3, without Django or a database."""

import ast
import json
import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quota.calculation import (
    CAP_EXCEEDS_TOTAL,
    CATEGORIES,
    DUPLICATE_COUNTRY,
    FALLBACK_INPUTS_MISSING,
    INVALID_CELL,
    INVALID_COUNTRY,
    INVALID_HEADCOUNT,
    INVALID_RATE,
    INVALID_RESERVE,
    INVALID_THRESHOLD,
    INVALID_WEIGHT,
    LABOUR_FORCE_MISSING,
    METHOD_DEMAND,
    METHOD_LABOUR_FORCE,
    NO_FIX_EXISTS,
    NOTHING_TO_APPORTION,
    RESERVES_EXCEED_CEILING,
    UNKNOWN_CATEGORY,
    CalculationError,
    category_order,
    cell_order,
    compute_plan,
    display_percent,
    distribute_by_labour_force,
    distribute_demand,
    largest_remainder,
    managers_specialists_fix,
    managers_specialists_share,
    national_totals,
    quota_ceiling,
    regional_pool,
    scale_cells,
    validate_country_caps,
)

SEVENTY = Decimal("70")  # the managers/specialists threshold, a percentage like the quota rate

# The 2024 official split 906 / 5,054 / 10,786 / 2,888 / 2,366 — the seed of the default category shares (DOMAIN §3).
SHARES_2024 = dict(zip(CATEGORIES, (906, 5054, 10786, 2888, 2366), strict=True))


def cells_of(rows):
    """{region: (places per category in CATEGORIES order)} -> {(region, category): places}."""
    return {
        (region, category): places
        for region, values in rows.items()
        for category, places in zip(CATEGORIES, values, strict=False)
    }


def by_region(cells):
    """{(region, category): places} -> {region: [places in CATEGORIES order]}."""
    rows = {}
    for (region, category), places in cells.items():
        rows.setdefault(region, [0] * len(CATEGORIES))[category_order(category)] = places
    return rows


def expect_error(code, call, **kwargs):
    """Call and assert a CalculationError with ``code``; returns it for further checks."""
    with pytest.raises(CalculationError) as caught:
        call(**kwargs)
    assert caught.value.code == code, caught.value.message
    assert isinstance(caught.value, ValueError)
    return caught.value


# ----------------------------------------------------------------------------------------------------------------------
# Step 1: ceiling — known answers and exactness
# ----------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "labour_force", "ceiling"),
    [
        ("0.700", 9_000_000, 63_000),  # the published 2015 and 2016 quota
        ("0.700", 9_100_000, 63_700),  # the 2015 labour force of 9.1 M would give this
        ("0.240", 9_000_000, 21_600),  # float arithmetic gives 21,599
        ("0.7", 1_000_000, 7_000),  # golden example 1
        ("0.7000", 1_000_000, 7_000),  # trailing zeros are still three decimals' worth
        ("0.001", 999, 0),  # floor, not round
        ("0.001", 199_999, 1),
        ("100", 12_345, 12_345),
    ],
)
def test_quota_ceiling_known_answers(rate, labour_force, ceiling):
    assert quota_ceiling(rate_percent=Decimal(rate), labour_force=labour_force) == ceiling


def test_float_arithmetic_would_lose_a_place_which_is_why_rates_are_decimal():
    # Documentation for DOMAIN §0: binary floating point cannot hold 0.0024 exactly.
    assert math.floor(0.0024 * 9_000_000) == 21_599
    assert math.floor(0.24 / 100 * 9_000_000) == 21_599
    assert quota_ceiling(rate_percent=Decimal("0.240"), labour_force=9_000_000) == 21_600


@pytest.mark.parametrize(
    "rate",
    [
        Decimal("0"),
        Decimal("0.000"),
        Decimal("-0.7"),
        Decimal("100.001"),
        Decimal("250"),
        Decimal("0.7005"),
        Decimal("NaN"),
        Decimal("Infinity"),
        0.7,
        1,
        "0.7",
        None,
    ],
)
def test_quota_ceiling_refuses_bad_rates(rate):
    error = expect_error(INVALID_RATE, quota_ceiling, rate_percent=rate, labour_force=9_000_000)
    assert "rate" in error.message


@pytest.mark.parametrize("labour_force", [-1, -9_000_000, 9_000_000.0, True, None, "9000000"])
def test_quota_ceiling_refuses_bad_labour_force(labour_force):
    expect_error(INVALID_HEADCOUNT, quota_ceiling, rate_percent=Decimal("0.700"), labour_force=labour_force)


# ----------------------------------------------------------------------------------------------------------------------
# Step 2: reserves and the regional pool
# ----------------------------------------------------------------------------------------------------------------------


def test_regional_pool_is_ceiling_minus_reserves():
    assert regional_pool(ceiling=7_000, reserves=[500]) == 6_500
    assert regional_pool(ceiling=7_000, reserves=[]) == 7_000
    assert regional_pool(ceiling=7_000, reserves=(3_000, 4_000)) == 0


def test_regional_pool_refuses_reserves_above_the_ceiling():
    error = expect_error(RESERVES_EXCEED_CEILING, regional_pool, ceiling=7_000, reserves=[4_000, 3_001])
    assert error.details == {"reserved": 7_001, "ceiling": 7_000}
    assert "7001" in error.message and "7000" in error.message


@pytest.mark.parametrize("reserves", [[-1], [1.5], [True]])
def test_regional_pool_refuses_bad_reserves(reserves):
    expect_error(INVALID_HEADCOUNT, regional_pool, ceiling=7_000, reserves=reserves)


@pytest.mark.parametrize(
    ("reserve", "code"),
    [
        (("A", "3"), INVALID_RESERVE),
        ("A3500", INVALID_RESERVE),
        (("A", "ICT", 5), UNKNOWN_CATEGORY),
        (("A", "3", -5), INVALID_HEADCOUNT),
    ],
)
def test_compute_plan_refuses_malformed_reserves(reserve, code):
    expect_error(
        code,
        compute_plan,
        rate_percent=Decimal("0.700"),
        labour_force=1_000_000,
        reserves=[reserve],
        demand={("A", "1"): 1},
        threshold_percent=SEVENTY,
    )


def test_compute_plan_refuses_reserves_above_the_ceiling():
    expect_error(
        RESERVES_EXCEED_CEILING,
        compute_plan,
        rate_percent=Decimal("0.700"),
        labour_force=1_000_000,
        reserves=[("A", "3", 7_001)],
        demand={("A", "1"): 1},
        threshold_percent=SEVENTY,
    )


# ----------------------------------------------------------------------------------------------------------------------
# Golden example 1 (DOMAIN §3)
# ----------------------------------------------------------------------------------------------------------------------

GOLDEN_1_DEMAND = cells_of(
    {
        "A": (100, 400, 2000, 600, 300),
        "B": (50, 300, 1500, 700, 0),
        "C": (20, 100, 400, 300, 900),
        "D": (0, 0, 0, 0, 0),  # "D = none": no accepted demand, so D gets nothing
    }
)
GOLDEN_1_CELLS = {
    "A": [85, 339, 1695, 509, 254],
    "B": [42, 254, 1271, 593, 0],
    "C": [17, 85, 339, 254, 763],
    "D": [0, 0, 0, 0, 0],
}
GOLDEN_1_RESERVES = [("A", "3", 500)]


def golden_1_plan(**overrides):
    arguments = {
        "rate_percent": Decimal("0.700"),
        "labour_force": 1_000_000,
        "reserves": GOLDEN_1_RESERVES,
        "demand": GOLDEN_1_DEMAND,
        "threshold_percent": SEVENTY,
    }
    arguments.update(overrides)
    return compute_plan(**arguments)


def test_golden_1_ceiling_and_pool():
    assert quota_ceiling(rate_percent=Decimal("0.700"), labour_force=1_000_000) == 7_000
    assert regional_pool(ceiling=7_000, reserves=[500]) == 6_500
    assert sum(GOLDEN_1_DEMAND.values()) == 7_670


def test_golden_1_distribution():
    distribution = distribute_demand(pool=6_500, demand=GOLDEN_1_DEMAND)
    assert by_region(distribution.cells) == GOLDEN_1_CELLS
    assert distribution.region_totals() == {"A": 2_882, "B": 2_160, "C": 1_458, "D": 0}
    assert distribution.national_headroom == 0
    assert sum(distribution.cells.values()) == 6_500
    assert distribution.method == METHOD_DEMAND


def test_golden_1_the_eight_leftover_places():
    distribution = distribute_demand(pool=6_500, demand=GOLDEN_1_DEMAND)
    floors = {cell: demand * 6_500 // 7_670 for cell, demand in GOLDEN_1_DEMAND.items()}
    assert sum(floors.values()) == 6_492
    got_leftover = {cell for cell, places in distribution.cells.items() if places == floors[cell] + 1}
    assert all(places - floors[cell] in (0, 1) for cell, places in distribution.cells.items())
    listed = [("A", "2"), ("C", "3"), ("C", "1"), ("A", "3"), ("A", "1"), ("C", "2"), ("C", "S"), ("A", "4")]
    assert got_leftover == set(listed)
    # ... and DOMAIN lists them in the order they won: remainder (D × pool mod T), then demand, region, category.
    ranking = sorted(
        GOLDEN_1_DEMAND,
        key=lambda cell: (-(GOLDEN_1_DEMAND[cell] * 6_500 % 7_670), -GOLDEN_1_DEMAND[cell], cell_order(cell)),
    )
    assert ranking[:8] == listed


def test_golden_1_national_totals_and_share_with_seasonal_excluded():
    cells = distribute_demand(pool=6_500, demand=GOLDEN_1_DEMAND).cells
    assert national_totals(cells=cells) == {"1": 144, "2": 678, "3": 3_305, "4": 1_356, "S": 1_017}
    totals = national_totals(cells=cells, reserves=GOLDEN_1_RESERVES)
    assert totals == {"1": 144, "2": 678, "3": 3_305 + 500, "4": 1_356, "S": 1_017}
    share = managers_specialists_share(totals=totals, threshold_percent=SEVENTY)
    assert (share.numerator, share.denominator) == (4_627, 5_983)
    assert share.share == Fraction(4_627, 5_983)
    assert share.percent == Decimal("77.3")
    assert share.passes is True
    assert share.seasonal_included is False


def test_golden_1_share_with_seasonal_included_is_flagged():
    cells = distribute_demand(pool=6_500, demand=GOLDEN_1_DEMAND).cells
    totals = national_totals(cells=cells, reserves=GOLDEN_1_RESERVES)
    share = managers_specialists_share(totals=totals, threshold_percent=SEVENTY, seasonal_included=True)
    assert (share.numerator, share.denominator) == (4_627, 7_000)
    assert share.share == Fraction(4_627, 7_000)
    assert share.percent == Decimal("66.1")
    assert share.passes is False


def test_golden_1_fix_with_seasonal_included():
    cells = distribute_demand(pool=6_500, demand=GOLDEN_1_DEMAND).cells
    fix = managers_specialists_fix(
        cells=cells, reserves=GOLDEN_1_RESERVES, threshold_percent=SEVENTY, seasonal_included=True
    )
    assert fix.kept_total == 1_983 == math.floor(Fraction(4_627) * Fraction(3, 10) / Fraction(7, 10))
    assert fix.reserved_in_cut_categories == 0
    assert fix.kept_in_cells == 1_983
    assert by_region(fix.cells) == {
        "A": [85, 339, 1695, 425, 212],
        "B": [42, 254, 1271, 496, 0],
        "C": [17, 85, 339, 212, 638],
        "D": [0, 0, 0, 0, 0],
    }
    assert fix.moved_to_headroom == 390
    assert sum(fix.cells.values()) + fix.moved_to_headroom == 6_500
    assert fix.share.passes is True
    assert fix.share.share == Fraction(4_627, 4_627 + 1_983)


def test_golden_1_compute_plan_seasonal_excluded():
    plan = golden_1_plan()
    assert (plan.ceiling, plan.reserves_total, plan.pool, plan.demand_total) == (7_000, 500, 6_500, 7_670)
    assert plan.method == METHOD_DEMAND
    assert by_region(plan.cells) == GOLDEN_1_CELLS
    assert plan.national_headroom == 0
    assert plan.national_totals == {"1": 144, "2": 678, "3": 3_805, "4": 1_356, "S": 1_017}
    assert plan.share.share == Fraction(4_627, 5_983)
    assert plan.flagged is False
    assert plan.fix is None and plan.fix_error_code is None


def test_golden_1_compute_plan_seasonal_included():
    plan = golden_1_plan(seasonal_included=True)
    assert plan.share.share == Fraction(4_627, 7_000)
    assert plan.flagged is True
    assert plan.fix is not None
    assert plan.fix.moved_to_headroom == 390
    assert by_region(plan.fix.cells)["C"] == [17, 85, 339, 212, 638]
    # The offer is only an offer: the plan's own cells are unchanged.
    assert by_region(plan.cells) == GOLDEN_1_CELLS


def test_golden_1_as_dict_is_json():
    data = json.loads(json.dumps(golden_1_plan(seasonal_included=True).as_dict()))
    assert data["rate_percent"] == "0.700"
    assert data["ceiling"] == 7_000
    assert data["cells"]["A"] == {"1": 85, "2": 339, "3": 1695, "4": 509, "S": 254}
    assert data["reserves"] == [{"region": "A", "category": "3", "places": 500}]
    assert data["share"] == {
        "numerator": 4_627,
        "denominator": 7_000,
        "share": "661/1000",  # 4,627 / 7,000 reduced
        "share_percent_display": "66.1",
        "threshold_percent": "70",
        "seasonal_included": True,
        "passes": False,
    }
    assert data["flagged"] is True
    assert data["fix"]["moved_to_headroom"] == 390
    assert data["fix"]["share"]["share"] == "7/10"


# ----------------------------------------------------------------------------------------------------------------------
# Golden examples 2 and 3: tie-breaks
# ----------------------------------------------------------------------------------------------------------------------


def test_golden_2_tie_breaks_larger_demand_then_region_then_category():
    demand = cells_of({"A": (1, 2, 1), "B": (2, 1, 3)})
    distribution = distribute_demand(pool=5, demand=demand)
    assert by_region(distribution.cells) == {"A": [1, 1, 0, 0, 0], "B": [1, 0, 2, 0, 0]}


def test_golden_3_region_before_category():
    demand = cells_of({"A": (0, 1, 1), "B": (1, 2, 3)})
    distribution = distribute_demand(pool=4, demand=demand)
    assert by_region(distribution.cells) == {"A": [0, 1, 0, 0, 0], "B": [0, 1, 2, 0, 0]}


# ----------------------------------------------------------------------------------------------------------------------
# Golden example 4: the no-demand fallback
# ----------------------------------------------------------------------------------------------------------------------

GOLDEN_4_LABOUR_FORCE = {"KZ-19": 1_043_000, "KZ-61": 819_000, "KZ-75": 985_000}
GOLDEN_4_CELLS = {
    "KZ-19": [98, 547, 1167, 313, 256],
    "KZ-61": [77, 430, 917, 245, 201],
    "KZ-75": [92, 517, 1103, 295, 242],
}


def test_golden_4_fallback_by_labour_force():
    distribution = distribute_by_labour_force(
        pool=6_500, labour_force=GOLDEN_4_LABOUR_FORCE, category_shares=SHARES_2024
    )
    assert distribution.region_totals() == {"KZ-19": 2_381, "KZ-61": 1_870, "KZ-75": 2_249}
    assert by_region(distribution.cells) == GOLDEN_4_CELLS
    assert distribution.national_headroom == 0
    assert distribution.method == METHOD_LABOUR_FORCE


def test_golden_4_compute_plan_uses_the_fallback_when_no_demand_was_accepted():
    for demand in ({}, {("KZ-19", "3"): 0}):
        plan = compute_plan(
            rate_percent=Decimal("0.650"),
            labour_force=1_000_000,
            demand=demand,
            regional_labour_force=GOLDEN_4_LABOUR_FORCE,
            default_category_shares=SHARES_2024,
            threshold_percent=SEVENTY,
        )
        assert plan.pool == 6_500
        assert plan.method == METHOD_LABOUR_FORCE
        assert plan.demand_total == 0
        assert by_region(plan.cells) == GOLDEN_4_CELLS


def test_fallback_ignores_figures_of_regions_not_valid_on_1_january():
    distribution = distribute_by_labour_force(
        pool=6_500,
        labour_force={**GOLDEN_4_LABOUR_FORCE, "KZ-YUZ": 2_500_000},
        category_shares=SHARES_2024,
        regions=["KZ-75", "KZ-19", "KZ-61"],
    )
    assert by_region(distribution.cells) == GOLDEN_4_CELLS


def test_fallback_refuses_naming_the_regions_without_a_figure():
    error = expect_error(
        LABOUR_FORCE_MISSING,
        distribute_by_labour_force,
        pool=6_500,
        labour_force={"KZ-19": 1_043_000, "KZ-11": None, "KZ-10": None},
        category_shares=SHARES_2024,
    )
    assert error.details == {"regions": ["KZ-10", "KZ-11"]}
    assert "KZ-10, KZ-11" in error.message
    assert "KZ-19" not in error.message


def test_fallback_refuses_regions_absent_from_the_figures():
    error = expect_error(
        LABOUR_FORCE_MISSING,
        distribute_by_labour_force,
        pool=6_500,
        labour_force=GOLDEN_4_LABOUR_FORCE,
        category_shares=SHARES_2024,
        regions=["KZ-19", "KZ-61", "KZ-75", "KZ-10"],
    )
    assert error.details == {"regions": ["KZ-10"]}


def test_compute_plan_fallback_refused_naming_regions():
    error = expect_error(
        LABOUR_FORCE_MISSING,
        compute_plan,
        rate_percent=Decimal("0.650"),
        labour_force=1_000_000,
        demand={},
        regional_labour_force={"KZ-19": 1_043_000, "KZ-61": None},
        default_category_shares=SHARES_2024,
        threshold_percent=SEVENTY,
    )
    assert "KZ-61" in error.message


def test_compute_plan_without_demand_or_fallback_inputs():
    expect_error(
        FALLBACK_INPUTS_MISSING,
        compute_plan,
        rate_percent=Decimal("0.650"),
        labour_force=1_000_000,
        demand={},
        threshold_percent=SEVENTY,
    )


@pytest.mark.parametrize(
    ("labour_force", "shares", "code"),
    [
        ({"KZ-19": -1}, SHARES_2024, INVALID_HEADCOUNT),
        ({"KZ-19": 1.5}, SHARES_2024, INVALID_HEADCOUNT),
        ({"KZ-19": 0, "KZ-61": 0}, SHARES_2024, NOTHING_TO_APPORTION),
        ({}, SHARES_2024, NOTHING_TO_APPORTION),
        (GOLDEN_4_LABOUR_FORCE, {"1": 0, "2": 0}, NOTHING_TO_APPORTION),
        (GOLDEN_4_LABOUR_FORCE, {"1": -5}, INVALID_HEADCOUNT),
        (GOLDEN_4_LABOUR_FORCE, {"ICT": 5}, UNKNOWN_CATEGORY),
    ],
)
def test_fallback_refuses_bad_inputs(labour_force, shares, code):
    expect_error(code, distribute_by_labour_force, pool=100, labour_force=labour_force, category_shares=shares)


def test_fallback_ties_go_to_the_larger_share_then_region_code():
    # Equal labour forces: the one leftover place goes to the first region code.
    regions = distribute_by_labour_force(
        pool=7, labour_force={"KZ-75": 5, "KZ-19": 5}, category_shares={"3": 1}
    ).region_totals()
    assert regions == {"KZ-19": 4, "KZ-75": 3}
    # Inside a region, equal remainders: the larger share wins before category order.
    cells = distribute_by_labour_force(pool=2, labour_force={"A": 1}, category_shares={"1": 1, "4": 3}).cells
    assert cells == {("A", "1"): 0, ("A", "4"): 2}
    cells = distribute_by_labour_force(pool=1, labour_force={"A": 1}, category_shares={"S": 1, "2": 1}).cells
    assert cells == {("A", "2"): 1, ("A", "S"): 0}


# ----------------------------------------------------------------------------------------------------------------------
# Step 3 details and bad inputs
# ----------------------------------------------------------------------------------------------------------------------


def test_demand_within_the_pool_is_met_and_the_rest_is_national_headroom():
    demand = {("KZ-19", "3"): 100, ("KZ-10", "1"): 20, ("KZ-10", "S"): 0}
    distribution = distribute_demand(pool=500, demand=demand)
    assert distribution.cells == demand
    assert list(distribution.cells) == [("KZ-10", "1"), ("KZ-10", "S"), ("KZ-19", "3")]
    assert distribution.national_headroom == 380
    assert distribution.pool == 500


def test_demand_equal_to_the_pool_leaves_no_headroom():
    distribution = distribute_demand(pool=120, demand={("KZ-19", "3"): 100, ("KZ-10", "1"): 20})
    assert distribution.national_headroom == 0
    assert sum(distribution.cells.values()) == 120


@pytest.mark.parametrize(
    ("demand", "code"),
    [
        ({("KZ-19", "3"): -1}, INVALID_HEADCOUNT),
        ({("KZ-19", "3"): 2.0}, INVALID_HEADCOUNT),
        ({("KZ-19", "3"): False}, INVALID_HEADCOUNT),
        ({("KZ-19", "ICT"): 5}, UNKNOWN_CATEGORY),
        ({("KZ-19", 3): 5}, UNKNOWN_CATEGORY),
        ({("", "3"): 5}, "invalid_region"),
        ({"KZ-19": 5}, INVALID_CELL),
    ],
)
def test_distribute_demand_refuses_bad_inputs(demand, code):
    expect_error(code, distribute_demand, pool=100, demand=demand)


def test_distribute_demand_refuses_a_negative_pool():
    expect_error(INVALID_HEADCOUNT, distribute_demand, pool=-1, demand={("A", "1"): 1})


# ----------------------------------------------------------------------------------------------------------------------
# Largest remainder, the one apportionment
# ----------------------------------------------------------------------------------------------------------------------


def test_amendment_golden_cat_3_cells_scaled_to_a_target():
    # DOMAIN §5: cat-3 cells of 2,414 and 248 with target 2,131 -> 1,932 and 199.
    cells = {("KZ-75", "3"): 2_414, ("KZ-11", "3"): 248}
    assert scale_cells(cells=cells, target=2_131) == {("KZ-11", "3"): 199, ("KZ-75", "3"): 1_932}


def test_largest_remainder_accepts_fraction_weights():
    result = largest_remainder(
        total=10, weights={"a": Fraction(1, 3), "b": Fraction(1, 3), "c": Fraction(1, 3)}, tie_break=str
    )
    assert result == {"a": 4, "b": 3, "c": 3}


def test_largest_remainder_with_nothing_to_share():
    assert largest_remainder(total=0, weights={"a": 0, "b": 0}, tie_break=str) == {"a": 0, "b": 0}
    expect_error(NOTHING_TO_APPORTION, largest_remainder, total=1, weights={"a": 0}, tie_break=str)
    expect_error(NOTHING_TO_APPORTION, largest_remainder, total=1, weights={}, tie_break=str)


@pytest.mark.parametrize("weight", [-1, 0.5, Decimal("1"), True, Fraction(-1, 2)])
def test_largest_remainder_refuses_bad_weights(weight):
    expect_error(INVALID_WEIGHT, largest_remainder, total=3, weights={"a": 1, "b": weight}, tie_break=str)


@settings(max_examples=200, deadline=None)
@given(
    total=st.integers(0, 1_000),
    weights=st.dictionaries(
        st.text("abcdef", min_size=1, max_size=3),
        st.one_of(st.integers(0, 500), st.fractions(min_value=0, max_value=50, max_denominator=20)),
        min_size=1,
        max_size=8,
    ),
)
def test_largest_remainder_sums_exactly_and_stays_within_floor_and_ceiling(total, weights):
    weight_sum = sum(weights.values(), Fraction(0))
    if weight_sum == 0:
        return
    result = largest_remainder(total=total, weights=weights, tie_break=str)
    assert sum(result.values()) == total
    for key, weight in weights.items():
        quota = total * Fraction(weight) / weight_sum
        assert math.floor(quota) <= result[key] <= math.ceil(quota)


# ----------------------------------------------------------------------------------------------------------------------
# Step 3 properties (DOMAIN §3: "Properties that hold (test them)")
# ----------------------------------------------------------------------------------------------------------------------

REGIONS = ("KZ-10", "KZ-11", "KZ-19", "KZ-61", "KZ-75")
CELLS = st.tuples(st.sampled_from(REGIONS), st.sampled_from(CATEGORIES))
DEMAND = st.dictionaries(CELLS, st.integers(0, 400), max_size=25)
POOL = st.integers(0, 3_000)
PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)


def reference_distribution(pool, demand):
    """DOMAIN §3 step 3 written out with integers only, as an independent oracle."""
    total = sum(demand.values())
    if total <= pool:
        return dict(demand)
    cells = {cell: d * pool // total for cell, d in demand.items()}
    ranking = sorted(demand, key=lambda c: (-(demand[c] * pool % total), -demand[c], c[0], CATEGORIES.index(c[1])))
    for cell in ranking[: pool - sum(cells.values())]:
        cells[cell] += 1
    return cells


@PROPERTY_SETTINGS
@given(pool=POOL, demand=DEMAND)
def test_cells_never_negative_never_above_demand_and_add_up_to_the_pool(pool, demand):
    distribution = distribute_demand(pool=pool, demand=demand)
    assert distribution.cells.keys() == demand.keys()
    for cell, places in distribution.cells.items():
        assert 0 <= places <= demand[cell]
    assert distribution.national_headroom >= 0
    assert sum(distribution.cells.values()) + distribution.national_headroom == pool
    if sum(demand.values()) > pool:
        assert sum(distribution.cells.values()) == pool
        assert distribution.national_headroom == 0
    assert distribution.cells == reference_distribution(pool, demand)


@PROPERTY_SETTINGS
@given(pool=POOL, demand=DEMAND, cell=CELLS, rise=st.integers(1, 500))
def test_a_cell_never_falls_when_only_its_own_demand_rises(pool, demand, cell, rise):
    # NB: a region's *total* may fall when its own demand in one category rises; DOMAIN says not to assert that.
    before = distribute_demand(pool=pool, demand=demand).cells.get(cell, 0)
    raised = {**demand, cell: demand.get(cell, 0) + rise}
    after = distribute_demand(pool=pool, demand=raised).cells[cell]
    assert after >= before


@PROPERTY_SETTINGS
@given(pool=POOL, demand=DEMAND, seed=st.randoms(use_true_random=False))
def test_distribution_does_not_depend_on_input_order(pool, demand, seed):
    items = list(demand.items())
    seed.shuffle(items)
    first = distribute_demand(pool=pool, demand=demand)
    second = distribute_demand(pool=pool, demand=dict(items))
    assert list(first.cells.items()) == list(second.cells.items())
    assert first.national_headroom == second.national_headroom


@PROPERTY_SETTINGS
@given(
    pool=POOL,
    labour_force=st.dictionaries(st.sampled_from(REGIONS), st.integers(0, 2_000_000), min_size=1),
    shares=st.dictionaries(st.sampled_from(CATEGORIES), st.integers(0, 11_000), min_size=1),
    seed=st.randoms(use_true_random=False),
)
def test_fallback_sums_to_the_pool_and_does_not_depend_on_input_order(pool, labour_force, shares, seed):
    if pool and (not any(labour_force.values()) or not any(shares.values())):
        return
    first = distribute_by_labour_force(pool=pool, labour_force=labour_force, category_shares=shares)
    assert sum(first.cells.values()) == pool
    assert all(places >= 0 for places in first.cells.values())
    lf_items, share_items = list(labour_force.items()), list(shares.items())
    seed.shuffle(lf_items)
    seed.shuffle(share_items)
    second = distribute_by_labour_force(pool=pool, labour_force=dict(lf_items), category_shares=dict(share_items))
    assert list(first.cells.items()) == list(second.cells.items())


@PROPERTY_SETTINGS
@given(
    demand=st.dictionaries(CELLS, st.integers(0, 400), min_size=1, max_size=25),
    pool=POOL,
    reserve_places=st.integers(0, 300),
    reserve_cell=CELLS,
    seasonal_included=st.booleans(),
    threshold=st.sampled_from([Decimal("70"), Decimal("50"), Decimal("90.5"), Decimal("100")]),
)
def test_the_fix_always_passes_and_only_cuts(demand, pool, reserve_places, reserve_cell, seasonal_included, threshold):
    cells = distribute_demand(pool=pool, demand=demand).cells
    reserves = [(*reserve_cell, reserve_places)]
    try:
        fix = managers_specialists_fix(
            cells=cells, reserves=reserves, threshold_percent=threshold, seasonal_included=seasonal_included
        )
    except CalculationError as error:
        assert error.code == NO_FIX_EXISTS
        assert error.details["reserved"] > error.details["kept_total"]
        return
    assert fix.share.passes
    cut = ("4", "S") if seasonal_included else ("4",)
    for cell, places in fix.cells.items():
        assert 0 <= places <= cells[cell]
        if cell[1] not in cut:
            assert places == cells[cell]
    assert sum(fix.cells.values()) + fix.moved_to_headroom == sum(cells.values())
    before = managers_specialists_share(
        totals=national_totals(cells=cells, reserves=reserves),
        threshold_percent=threshold,
        seasonal_included=seasonal_included,
    )
    assert (fix.moved_to_headroom > 0) == (not before.passes)


@PROPERTY_SETTINGS
@given(pool=POOL, demand=DEMAND, seed=st.randoms(use_true_random=False))
def test_compute_plan_does_not_depend_on_input_order(pool, demand, seed):
    reserves = [("KZ-19", "4", 7), ("KZ-10", "3", 5), ("KZ-19", "4", 3)]
    caps = [("CN", 10), ("UZ", 5)]
    arguments = {
        "rate_percent": Decimal("1.000"),
        "labour_force": pool * 100 + 1_500,
        "regional_labour_force": dict.fromkeys(REGIONS, 1_000),
        "default_category_shares": SHARES_2024,
        "threshold_percent": SEVENTY,
        "seasonal_included": True,
    }
    first = compute_plan(demand=demand, reserves=reserves, country_caps=caps, **arguments)
    items = list(demand.items())
    for sequence in (items, reserves, caps):
        seed.shuffle(sequence)
    second = compute_plan(demand=dict(items), reserves=reserves, country_caps=caps, **arguments)
    assert first.as_dict() == second.as_dict()
    assert json.dumps(first.as_dict()) == json.dumps(second.as_dict())
    assert sum(first.cells.values()) + first.national_headroom == first.pool


# ----------------------------------------------------------------------------------------------------------------------
# Step 4: the managers/specialists rule
# ----------------------------------------------------------------------------------------------------------------------

# Official splits, from /work/shared/data/national_quota_by_year.csv (cat1, cat2, cat3, cat4, seasonal columns):
OFFICIAL_SPLITS = {
    # row "2022,permits_to_employers_via_local_executive_bodies,revised 2022-02-04" (23,560)
    "2022 revised": (1_243, 6_499, 11_110, 2_396, 2_312),
    # row "2024,permits_to_employers_via_local_executive_bodies,initial" (22,000)
    "2024": (906, 5_054, 10_786, 2_888, 2_366),
    # row "2025,permits_to_employers_via_local_executive_bodies,initial" (components sum to 14,879)
    "2025": (649, 3_254, 5_718, 1_161, 4_097),
    # row "2026,permits_to_employers_via_local_executive_bodies,initial" (components sum to 18,146)
    "2026": (726, 3_402, 5_893, 3_131, 4_994),
}


@pytest.mark.parametrize(
    ("year", "excluded", "included", "passes_with_s"),
    [
        ("2022 revised", "88.7", "80.0", True),
        ("2024", "85.3", "76.1", True),
        ("2025", "89.2", "64.7", False),
        ("2026", "76.2", "55.2", False),
    ],
)
def test_official_splits(year, excluded, included, passes_with_s):
    totals = dict(zip(CATEGORIES, OFFICIAL_SPLITS[year], strict=True))
    without_s = managers_specialists_share(totals=totals, threshold_percent=SEVENTY)
    with_s = managers_specialists_share(totals=totals, threshold_percent=SEVENTY, seasonal_included=True)
    assert without_s.percent == Decimal(excluded)
    assert without_s.passes is True
    assert without_s.share == Fraction(sum(totals[c] for c in "123"), sum(totals[c] for c in "1234"))
    assert with_s.percent == Decimal(included)
    assert with_s.passes is passes_with_s
    assert with_s.denominator == sum(totals.values())


def test_shares_are_compared_exactly_never_by_the_rounded_display():
    totals = {"3": 6_999, "4": 3_001}  # 69.99 %
    share = managers_specialists_share(totals=totals, threshold_percent=SEVENTY)
    assert share.share == Fraction(6_999, 10_000)
    assert share.percent == Decimal("70.0")  # the display rounds up ...
    assert share.passes is False  # ... the rule does not
    assert managers_specialists_share(totals={"3": 7_000, "4": 3_000}, threshold_percent=SEVENTY).passes is True
    assert managers_specialists_share(totals=totals, threshold_percent=Decimal("69.99")).passes is True
    assert managers_specialists_share(totals=totals, threshold_percent=Decimal("69.991")).passes is False


def test_share_with_no_places_in_the_counted_categories_passes():
    share = managers_specialists_share(totals={"S": 40}, threshold_percent=SEVENTY)
    assert (share.numerator, share.denominator, share.share, share.percent) == (0, 0, None, None)
    assert share.passes is True
    assert share.as_dict()["share"] is None


@pytest.mark.parametrize("threshold", [Decimal("0"), Decimal("-70"), Decimal("100.5"), 70, 0.7, Decimal("NaN")])
def test_bad_thresholds_are_refused(threshold):
    expect_error(INVALID_THRESHOLD, managers_specialists_share, totals={"1": 1}, threshold_percent=threshold)


def test_share_refuses_unknown_categories_and_negative_totals():
    expect_error(UNKNOWN_CATEGORY, managers_specialists_share, totals={"ICT": 5}, threshold_percent=SEVENTY)
    expect_error(INVALID_HEADCOUNT, managers_specialists_share, totals={"4": -5}, threshold_percent=SEVENTY)


def test_fix_subtracts_places_reserved_in_the_cut_categories():
    cells = {("A", "3"): 70, ("A", "4"): 40, ("B", "4"): 20}
    fix = managers_specialists_fix(cells=cells, reserves=[("B", "4", 10)], threshold_percent=SEVENTY)
    assert fix.kept_total == 30  # floor(70 × 0.3 / 0.7)
    assert fix.reserved_in_cut_categories == 10
    assert fix.kept_in_cells == 20
    assert fix.cells == {("A", "3"): 70, ("A", "4"): 13, ("B", "4"): 7}
    assert fix.moved_to_headroom == 40
    assert fix.share.share == Fraction(70, 100)


def test_fix_leaves_seasonal_alone_when_it_is_excluded():
    cells = {("A", "3"): 70, ("A", "4"): 40, ("A", "S"): 500}
    fix = managers_specialists_fix(cells=cells, threshold_percent=SEVENTY)
    assert fix.cells == {("A", "3"): 70, ("A", "4"): 30, ("A", "S"): 500}
    assert fix.moved_to_headroom == 10


def test_fix_of_a_passing_plan_changes_nothing():
    cells = {("A", "3"): 70, ("A", "4"): 30}
    fix = managers_specialists_fix(cells=cells, threshold_percent=SEVENTY)
    assert fix.cells == cells and fix.moved_to_headroom == 0


def test_no_fix_exists_when_reserves_alone_exceed_the_kept_total():
    cells = {("A", "1"): 10, ("A", "4"): 100}
    error = expect_error(
        NO_FIX_EXISTS, managers_specialists_fix, cells=cells, reserves=[("A", "4", 50)], threshold_percent=SEVENTY
    )
    assert error.details == {"reserved": 50, "kept_total": 4}
    plan = compute_plan(
        rate_percent=Decimal("1.000"),
        labour_force=100_000,
        reserves=[("A", "4", 50)],
        demand=cells,
        threshold_percent=SEVENTY,
    )
    assert plan.flagged is True
    assert plan.fix is None
    assert plan.fix_error_code == NO_FIX_EXISTS
    assert "50" in plan.fix_error_message


def test_display_percent_rounds_half_up_for_display_only():
    assert display_percent(Fraction(1, 8)) == Decimal("12.5")
    assert display_percent(Fraction(1, 16)) == Decimal("6.3")  # 6.25 -> 6.3
    assert display_percent(Fraction(2, 3), places=2) == Decimal("66.67")
    assert display_percent(Fraction(0)) == Decimal("0.0")


# ----------------------------------------------------------------------------------------------------------------------
# Step 5: country caps
# ----------------------------------------------------------------------------------------------------------------------


def test_country_caps_are_validated_and_sorted():
    assert validate_country_caps(caps=[("UZ", 10), ("CN", 7_000), ("TR", 0)], total=7_000) == {
        "CN": 7_000,
        "TR": 0,
        "UZ": 10,
    }
    assert validate_country_caps(caps={"CN": 5}, total=5) == {"CN": 5}


def test_country_caps_refuse_bad_inputs():
    error = expect_error(DUPLICATE_COUNTRY, validate_country_caps, caps=[("CN", 1), ("UZ", 1), ("CN", 2)], total=9)
    assert error.details == {"countries": ["CN"]}
    error = expect_error(CAP_EXCEEDS_TOTAL, validate_country_caps, caps=[("CN", 10), ("UZ", 9)], total=9)
    assert error.details == {"countries": ["CN"]}
    expect_error(INVALID_HEADCOUNT, validate_country_caps, caps=[("CN", -1)], total=9)
    expect_error(INVALID_HEADCOUNT, validate_country_caps, caps=[("CN", 1.0)], total=9)
    for country in ("cn", "CHN", "", None):
        expect_error(INVALID_COUNTRY, validate_country_caps, caps=[(country, 1)], total=9)
    expect_error(INVALID_COUNTRY, validate_country_caps, caps=["CN"], total=9)


def test_compute_plan_checks_caps_against_the_ceiling():
    plan = golden_1_plan(country_caps=[("CN", 7_000)])
    assert plan.country_caps == {"CN": 7_000}
    expect_error(CAP_EXCEEDS_TOTAL, golden_1_plan, country_caps=[("CN", 7_001)])


# ----------------------------------------------------------------------------------------------------------------------
# Vocabulary
# ----------------------------------------------------------------------------------------------------------------------


def test_categories_and_their_order():
    assert CATEGORIES == ("1", "2", "3", "4", "S")
    assert sorted(["S", "4", "1", "3", "2"], key=category_order) == list(CATEGORIES)
    assert sorted([("B", "1"), ("A", "S"), ("A", "2")], key=cell_order) == [("A", "2"), ("A", "S"), ("B", "1")]
    expect_error(UNKNOWN_CATEGORY, category_order, category="ICT")


def test_the_module_imports_only_the_standard_library():
    import quota.calculation as module

    with open(module.__file__, encoding="utf-8") as source:
        tree = ast.parse(source.read())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert {name.split(".")[0] for name in imported} <= {
        "__future__",
        "collections",
        "dataclasses",
        "decimal",
        "fractions",
        "math",
        "typing",
    }
