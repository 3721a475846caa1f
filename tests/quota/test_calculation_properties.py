"""Property tests of quota/calculation.py that compare cells one by one with an independent computation (STYLE.md:
"Property tests compare results cell by cell against an independent computation, not only sums"): the
managers/specialists fix (DOMAIN §3 step 4) — the rule passes, the cut is minimal, each cut cell is the oracle's — and
the no-demand fallback by labour force (DOMAIN §3 step 3). No database.

The oracle is plain integer largest remainder written out again here: floor(total × w // W), the leftover places one
each to the largest remainders total × w mod W, ties the larger weight, then the key's order. It shares no code with
quota.calculation (which works in Fractions through one ``largest_remainder``).
"""

import itertools
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from quota.calculation import (
    NO_FIX_EXISTS,
    CalculationError,
    distribute_by_labour_force,
    managers_specialists_fix,
)

ORDER = ("1", "2", "3", "4", "S")  # the category tie-break order, spelt out again (DOMAIN §3 step 3)
REGIONS = ("KZ-10", "KZ-11", "KZ-19", "KZ-61")
PROPERTIES = settings(max_examples=300, deadline=None)


def integer_largest_remainder(total, weights, order):
    """Apportion `total` over integer `weights` by largest remainder with integers only; ties: larger weight, then
    `order(key)` ascending."""
    weight_sum = sum(weights.values())
    if weight_sum == 0:
        assert total == 0
        return dict.fromkeys(weights, 0)
    places = {key: total * weight // weight_sum for key, weight in weights.items()}
    remainders = {key: total * weight % weight_sum for key, weight in weights.items()}
    ranking = sorted(weights, key=lambda key: (-remainders[key], -weights[key], order(key)))
    for key in ranking[: total - sum(places.values())]:
        places[key] += 1
    return places


def cell_key(cell):
    return cell[0], ORDER.index(cell[1])


# ---------------------------------------------------------------------------------------------------------------------
# The managers/specialists fix (DOMAIN §3 step 4)
# ---------------------------------------------------------------------------------------------------------------------
def rule_passes(managers_specialists, cut_total, threshold):
    """m ÷ (m + places in the cut categories) ≥ t, exactly; an empty denominator passes."""
    if managers_specialists + cut_total == 0:
        return True
    return Fraction(managers_specialists, managers_specialists + cut_total) * 100 >= Fraction(threshold)


def expected_fix(cells, reserves, threshold, seasonal_included):
    """The fix written out from DOMAIN §3 step 4: keep floor(m × (1 − t) / t) − reserved in the cut cells (4, and S
    when included), spread by largest remainder over their current values; None when no fix exists."""
    cut = {"4", "S"} if seasonal_included else {"4"}
    managers_specialists = sum(p for c, p in cells.items() if c[1] in "123") + sum(
        p for _r, c, p in reserves if c in "123"
    )
    reserved_cut = sum(p for _r, c, p in reserves if c in cut)
    cut_cells = {cell: places for cell, places in cells.items() if cell[1] in cut}
    if rule_passes(managers_specialists, sum(cut_cells.values()) + reserved_cut, threshold):
        return dict(cells), 0
    t = Fraction(threshold)  # percent: m × (1 − t/100) / (t/100) = m × (100·den − num) / num, in integers
    kept_total = (managers_specialists * (100 * t.denominator - t.numerator)) // t.numerator
    kept_in_cells = kept_total - reserved_cut
    if kept_in_cells < 0:
        return None, None
    fixed = dict(cells)
    fixed.update(integer_largest_remainder(kept_in_cells, cut_cells, cell_key))
    return fixed, sum(cut_cells.values()) - kept_in_cells


# Golden example 1 (DOMAIN §3): with S included the fix keeps 1,983 places in cats 4 + S.
GOLDEN_1_CELLS = {
    (region, category): places
    for region, values in {
        "A": (85, 339, 1695, 509, 254),
        "B": (42, 254, 1271, 593, 0),
        "C": (17, 85, 339, 254, 763),
    }.items()
    for category, places in zip(ORDER, values, strict=True)
}
THRESHOLDS = st.sampled_from([Decimal("70"), Decimal("50"), Decimal("66.667"), Decimal("90.5"), Decimal("100")])
# Mostly tiny values: equal remainders with unequal weights (1 and 3 sharing 2 places) and equal weights are common,
# so every tie-break is exercised (with values up to 60 only, a reversed weight tie-break went unnoticed).
SMALL_PLACES = st.one_of(st.integers(0, 6), st.integers(0, 60))


@PROPERTIES
@given(
    cells=st.dictionaries(st.tuples(st.sampled_from(REGIONS), st.sampled_from(ORDER)), SMALL_PLACES, max_size=12),
    reserves=st.lists(st.tuples(st.sampled_from(REGIONS), st.sampled_from(ORDER), st.integers(0, 40)), max_size=3),
    threshold=THRESHOLDS,
    seasonal_included=st.booleans(),
)
@example(cells=GOLDEN_1_CELLS, reserves=[("A", "3", 500)], threshold=Decimal("70"), seasonal_included=True)
def test_the_fix_passes_is_minimal_and_matches_the_oracle_cell_by_cell(cells, reserves, threshold, seasonal_included):
    expected, moved = expected_fix(cells, reserves, threshold, seasonal_included)
    if expected is None:
        with pytest.raises(CalculationError) as refused:
            managers_specialists_fix(
                cells=cells, reserves=reserves, threshold_percent=threshold, seasonal_included=seasonal_included
            )
        assert refused.value.code == NO_FIX_EXISTS
        return
    fix = managers_specialists_fix(
        cells=cells, reserves=reserves, threshold_percent=threshold, seasonal_included=seasonal_included
    )
    # Cell by cell: the oracle's cells, nothing outside the cut categories changes, nothing goes up.
    assert fix.cells == expected
    assert fix.moved_to_headroom == moved
    cut = ("4", "S") if seasonal_included else ("4",)
    for cell, places in fix.cells.items():
        assert places <= cells[cell]
        if cell[1] not in cut:
            assert places == cells[cell]

    # The rule passes on the fixed plan, checked here from the cells, not from the fix's own share.
    managers_specialists = sum(p for c, p in fix.cells.items() if c[1] in "123") + sum(
        p for _r, c, p in reserves if c in "123"
    )
    cut_total = sum(p for c, p in fix.cells.items() if c[1] in cut) + sum(p for _r, c, p in reserves if c in cut)
    assert rule_passes(managers_specialists, cut_total, threshold)
    assert fix.share.passes
    # Minimal: when places were cut, keeping one place more in the cut categories would break the rule.
    if fix.moved_to_headroom:
        assert not rule_passes(managers_specialists, cut_total + 1, threshold)
        assert fix.kept_in_cells == sum(p for c, p in fix.cells.items() if c[1] in cut)
    # And the cut is spread as the rule says: no cut cell is more than one place from its exact proportional share.
    held = sum(p for c, p in cells.items() if c[1] in cut)
    if fix.moved_to_headroom and held:
        for cell, places in fix.cells.items():
            if cell[1] in cut:
                exact = Fraction(cells[cell] * fix.kept_in_cells, held)
                assert exact - 1 < places < exact + 1


def test_the_fix_matches_the_oracle_on_every_small_plan():
    # Exhaustive over small plans (two regions; cats 3 and 4, and S in the first region): every remainder tie the fix
    # can meet — 1 and 3 places sharing 2; B/4 against A/S, where region code comes before category order — is met
    # here, which random plans rarely do.
    for seasonal_included, threshold in ((False, Decimal("70")), (False, Decimal("50")), (True, Decimal("70"))):
        for a3, b3, a4, b4, a_s in itertools.product(range(7), range(3), range(4), range(4), range(4)):
            cells = {("A", "3"): a3, ("B", "3"): b3, ("A", "4"): a4, ("B", "4"): b4, ("A", "S"): a_s}
            expected, moved = expected_fix(cells, [], threshold, seasonal_included)
            fix = managers_specialists_fix(
                cells=cells, threshold_percent=threshold, seasonal_included=seasonal_included
            )
            assert (fix.cells, fix.moved_to_headroom) == (expected, moved), cells


def test_the_golden_fix_is_the_oracles():
    # The @example above, against the published numbers (A4 425, AS 212, B4 496, BS 0, C4 212, CS 638), so the
    # oracle itself is checked.
    fixed, moved = expected_fix(GOLDEN_1_CELLS, [("A", "3", 500)], Decimal("70"), seasonal_included=True)
    assert [fixed[(r, c)] for r in "ABC" for c in "4S"] == [425, 212, 496, 0, 212, 638]
    assert moved == 390


# ---------------------------------------------------------------------------------------------------------------------
# The no-demand fallback by labour force (DOMAIN §3 step 3)
# ---------------------------------------------------------------------------------------------------------------------
def expected_fallback(pool, labour_force, shares, regions):
    """Regions by labour force, then categories by the default shares, each by integer largest remainder; ties: the
    larger figure / share, then region code / category order."""
    valid = {region: labour_force[region] for region in regions}
    by_region = integer_largest_remainder(pool, valid, lambda region: region)
    cells = {}
    for region, places in by_region.items():
        split = integer_largest_remainder(places, dict(shares), ORDER.index)
        cells.update({(region, category): count for category, count in split.items()})
    return cells


# Mostly tiny figures, shares and pools, so regions and categories often tie on remainder and on weight.
FIGURES = st.one_of(st.integers(0, 5), st.sampled_from([1_000, 1_043_000, 819_000, 985_000]))
SHARES = st.one_of(st.integers(0, 5), st.sampled_from([906, 2_366, 2_888, 5_054, 10_786]))


@PROPERTIES
@given(
    pool=st.one_of(st.integers(0, 12), st.integers(0, 2_000)),
    labour_force=st.dictionaries(st.sampled_from(REGIONS), FIGURES, min_size=1),
    shares=st.dictionaries(st.sampled_from(ORDER), SHARES, min_size=1),
    data=st.data(),
)
@example(  # golden example 4
    pool=6_500,
    labour_force={"KZ-19": 1_043_000, "KZ-61": 819_000, "KZ-75": 985_000},
    shares={"1": 906, "2": 5_054, "3": 10_786, "4": 2_888, "S": 2_366},
    data=None,
)
def test_the_fallback_matches_the_oracle_cell_by_cell(pool, labour_force, shares, data):
    regions = sorted(labour_force)
    if data is not None:  # the regions valid on 1 January: a subset; the other figures must be ignored
        regions = data.draw(st.lists(st.sampled_from(regions), min_size=1, unique=True))
    if pool and (not any(labour_force[r] for r in regions) or not any(shares.values())):
        return  # refused (NOTHING_TO_APPORTION), tested in test_calculation.py
    distribution = distribute_by_labour_force(
        pool=pool, labour_force=labour_force, category_shares=shares, regions=regions
    )
    expected = expected_fallback(pool, labour_force, shares, regions)
    assert distribution.cells == expected
    assert list(distribution.cells) == sorted(expected, key=cell_key)
    assert distribution.national_headroom == 0


def test_the_fallback_matches_the_oracle_on_every_small_input():
    # Exhaustive over small pools, figures and shares: every tie on remainder, figure and share is met.
    for pool in range(9):
        for figures in itertools.product(range(4), repeat=2):
            labour_force = dict(zip(("KZ-19", "KZ-10"), figures, strict=True))
            for values in itertools.product(range(4), repeat=3):
                shares = dict(zip(("S", "1", "3"), values, strict=True))
                if pool and (not any(figures) or not any(values)):
                    continue
                cells = distribute_by_labour_force(pool=pool, labour_force=labour_force, category_shares=shares).cells
                assert cells == expected_fallback(pool, labour_force, shares, sorted(labour_force)), (pool, figures)


def test_the_golden_fallback_is_the_oracles():
    cells = expected_fallback(
        6_500,
        {"KZ-19": 1_043_000, "KZ-61": 819_000, "KZ-75": 985_000},
        {"1": 906, "2": 5_054, "3": 10_786, "4": 2_888, "S": 2_366},
        ["KZ-19", "KZ-61", "KZ-75"],
    )
    assert [cells[("KZ-19", c)] for c in ORDER] == [98, 547, 1167, 313, 256]
    assert [cells[("KZ-61", c)] for c in ORDER] == [77, 430, 917, 245, 201]
    assert [cells[("KZ-75", c)] for c in ORDER] == [92, 517, 1103, 295, 242]
