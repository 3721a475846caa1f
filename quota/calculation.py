"""Pure quota maths for the annual quota plan (DOMAIN §3; Decree 802 — setting the quota and distributing it).

No Django, no ORM, no floats: head-counts are ``int``, rates and thresholds are percentage ``Decimal`` values
(``Decimal("0.700")`` means 0.7 %), shares are exact ``fractions.Fraction`` values (DOMAIN §0). Every function is
keyword-only and deterministic: results never depend on the order of their inputs, because every tie is broken by
an explicit rule (larger remainder, then larger weight, then region code, then category order 1, 2, 3, 4, S).

Largest-remainder rounding lives here once, in :func:`largest_remainder`; every apportionment (demand, labour-force
fallback, managers/specialists fix, amendment targets) goes through it.

Policy values (rate, category shares, the 70 % threshold, the seasonal switch) are always passed in by the caller,
which reads them from the policy parameters in force on the relevant date (DOMAIN §0, §9); none is a constant here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal, Inexact, localcontext
from fractions import Fraction
from typing import Any, NamedTuple, TypeVar

# --------------------------------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------------------------------

#: Permit categories that use the quota, in their tie-break order (DOMAIN §2, §3 step 3). ICT is outside the quota.
CATEGORIES: tuple[str, ...] = ("1", "2", "3", "4", "S")
#: "Managers and specialists" = categories 1-3 (DOMAIN §2, §3 step 4).
MANAGER_SPECIALIST_CATEGORIES: tuple[str, ...] = ("1", "2", "3")
SEASONAL = "S"

#: How a distribution was made (DOMAIN §3 step 3).
METHOD_DEMAND = "demand"
METHOD_LABOUR_FORCE = "labour_force"

#: A quota cell of the regional distribution: (region code, category).
Cell = tuple[str, str]

K = TypeVar("K", bound=Hashable)

_CATEGORY_ORDER = {category: position for position, category in enumerate(CATEGORIES)}

# --------------------------------------------------------------------------------------------------------------------
# Errors — codes and message templates are constants so services and tests can rely on them
# --------------------------------------------------------------------------------------------------------------------

INVALID_RATE = "invalid_rate"
INVALID_THRESHOLD = "invalid_threshold"
INVALID_HEADCOUNT = "invalid_headcount"
INVALID_WEIGHT = "invalid_weight"
INVALID_REGION = "invalid_region"
INVALID_CELL = "invalid_cell"
INVALID_RESERVE = "invalid_reserve"
UNKNOWN_CATEGORY = "unknown_category"
RESERVES_EXCEED_CEILING = "reserves_exceed_ceiling"
NOTHING_TO_APPORTION = "nothing_to_apportion"
LABOUR_FORCE_MISSING = "labour_force_missing"
FALLBACK_INPUTS_MISSING = "fallback_inputs_missing"
NO_FIX_EXISTS = "no_fix_exists"
INVALID_COUNTRY = "invalid_country"
DUPLICATE_COUNTRY = "duplicate_country"
CAP_EXCEEDS_TOTAL = "cap_exceeds_total"

ERROR_MESSAGES: dict[str, str] = {
    INVALID_RATE: "The quota rate must be a Decimal percentage above 0 and at most 100, with at most three "
    "decimals; got {value}.",
    INVALID_THRESHOLD: "The managers/specialists threshold must be a Decimal percentage above 0 and at most 100; "
    "got {value}.",
    INVALID_HEADCOUNT: "{what} must be a whole number of persons or places, zero or more; got {value}.",
    INVALID_WEIGHT: "{what} must be an integer or a fraction, zero or more; got {value}.",
    INVALID_REGION: "A region must be given by its code (a non-empty string); got {value}.",
    INVALID_CELL: "A quota cell must be a (region code, category) pair; got {value}.",
    INVALID_RESERVE: "A project reserve must be a (region code, category, places) triple; got {value}.",
    UNKNOWN_CATEGORY: "Unknown permit category {value}; the quota categories are 1, 2, 3, 4 and S.",
    RESERVES_EXCEED_CEILING: "Project reserves ({reserved}) exceed the ceiling ({ceiling}).",
    NOTHING_TO_APPORTION: "{total} places cannot be apportioned: the {what} add up to zero.",
    LABOUR_FORCE_MISSING: "The labour-force fallback is refused: no labour-force figure for {regions}.",
    FALLBACK_INPUTS_MISSING: "There is no accepted demand, and the labour-force fallback needs the regional labour "
    "force and the default category shares.",
    NO_FIX_EXISTS: "No fix exists: project reserves in categories {categories} ({reserved}) exceed the {kept} "
    "places those categories may keep under the managers/specialists rule.",
    INVALID_COUNTRY: "A country must be given by its ISO 3166-1 alpha-2 code (two capital letters); got {value}.",
    DUPLICATE_COUNTRY: "A country may have only one cap; repeated: {countries}.",
    CAP_EXCEEDS_TOTAL: "A country cap lies inside the quota total ({total}) and cannot exceed it: {countries}.",
}


class CalculationError(ValueError):
    """A quota calculation refused its inputs; ``code`` is one of the constants above, ``details`` is JSON-friendly."""

    def __init__(self, code: str, message: str, *, details: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = dict(details or {})


def _fail(code: str, *, details: Mapping[str, Any] | None = None, **params: Any) -> CalculationError:
    """Build the error for ``code`` from its message template (callers ``raise`` it)."""
    return CalculationError(code, ERROR_MESSAGES[code].format(**params), details=details)


# --------------------------------------------------------------------------------------------------------------------
# Validation and ordering helpers
# --------------------------------------------------------------------------------------------------------------------


def category_order(category: str) -> int:
    """Position of ``category`` in the tie-break order 1, 2, 3, 4, S (DOMAIN §3 step 3)."""
    try:
        return _CATEGORY_ORDER[category]
    except (KeyError, TypeError):
        raise _fail(UNKNOWN_CATEGORY, value=repr(category)) from None


def cell_order(cell: Cell) -> tuple[str, int]:
    """Sort key of a cell: region code, then category order — the last two tie-breaks of DOMAIN §3 step 3."""
    region, category = cell
    return region, category_order(category)


def _headcount(value: object, *, what: str) -> int:
    """A head-count or number of places: an ``int`` (not ``bool``), zero or more (DOMAIN §0: integers)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _fail(INVALID_HEADCOUNT, what=what, value=repr(value))
    return value


def _weight(value: object, *, what: str) -> int | Fraction:
    """An apportionment weight: a non-negative ``int`` or ``Fraction`` (never a float)."""
    if isinstance(value, bool) or not isinstance(value, (int, Fraction)) or value < 0:
        raise _fail(INVALID_WEIGHT, what=what, value=repr(value))
    return value


def _region(value: object) -> str:
    """A region code such as ``"KZ-19"``; region order for tie-breaks is code string order."""
    if not isinstance(value, str) or not value.strip():
        raise _fail(INVALID_REGION, value=repr(value))
    return value


def _cell(value: object) -> Cell:
    """A validated (region code, category) pair."""
    if not isinstance(value, tuple) or len(value) != 2:
        raise _fail(INVALID_CELL, value=repr(value))
    region, category = value
    category_order(category)
    return _region(region), category


def _percentage(value: object, *, code: str) -> Decimal:
    """A finite ``Decimal`` percentage with 0 < value <= 100."""
    if not isinstance(value, Decimal) or not value.is_finite() or not (0 < value <= 100):
        raise _fail(code, value=repr(value))
    return value


def _sorted_cells(cells: Mapping[Cell, int]) -> dict[Cell, int]:
    """The same cells in region code / category order, so equal results are also equal when listed."""
    return {cell: cells[cell] for cell in sorted(cells, key=cell_order)}


def _validated_cells(cells: Mapping[Cell, int], *, what: str) -> dict[Cell, int]:
    """Validate cell keys and head-counts; returns them in deterministic order."""
    return _sorted_cells({_cell(cell): _headcount(places, what=f"{what} {cell!r}") for cell, places in cells.items()})


def display_percent(share: Fraction, *, places: int = 1) -> Decimal:
    """``share`` as a percentage rounded half-up to ``places`` decimals — for display only, never for a comparison
    (DOMAIN §3 step 4: "compare shares exactly ... never by a rounded display")."""
    scale = 10**places
    scaled = share * 100 * scale
    rounded = math.floor(scaled + Fraction(1, 2))
    return Decimal(rounded).scaleb(-places)


def _fraction_text(value: Fraction) -> str:
    """A ``Fraction`` as ``"num/den"`` (also for whole numbers), for JSON."""
    return f"{value.numerator}/{value.denominator}"


def _cells_as_dict(cells: Mapping[Cell, int]) -> dict[str, dict[str, int]]:
    """Cells as ``{region: {category: places}}`` in deterministic order (JSON keys must be strings)."""
    nested: dict[str, dict[str, int]] = {}
    for (region, category), places in _sorted_cells(cells).items():
        nested.setdefault(region, {})[category] = places
    return nested


# --------------------------------------------------------------------------------------------------------------------
# Step 1 and 2: ceiling and regional pool
# --------------------------------------------------------------------------------------------------------------------


def quota_ceiling(*, rate_percent: Decimal, labour_force: int) -> int:
    """Ceiling = floor(rate / 100 × labour force), exactly (DOMAIN §3 step 1; Decree 802).

    ``rate_percent`` is a percentage ``Decimal`` with at most three decimals (``Decimal("0.700")`` is 0.7 %).
    0.7 % × 9,000,000 = 63,000 and 0.24 % × 9,000,000 = 21,600 (float arithmetic would give 21,599).
    """
    rate = _percentage(rate_percent, code=INVALID_RATE)
    if rate != rate.quantize(Decimal("0.001")):  # stored with three decimals (DOMAIN §3)
        raise _fail(INVALID_RATE, value=repr(rate_percent))
    persons = _headcount(labour_force, what="The labour force")
    with localcontext() as context:
        # Enough digits for the exact product; Inexact trapped so a rounded intermediate can never slip through.
        context.prec = len(str(persons)) + len(rate.as_tuple().digits) + 10
        context.traps[Inexact] = True
        exact = rate * persons / 100
        return int(exact.to_integral_value(rounding=ROUND_FLOOR))


def regional_pool(*, ceiling: int, reserves: Iterable[int]) -> int:
    """Regional pool = ceiling − Σ project reserves; refused when Σ reserves > ceiling (DOMAIN §3 step 2)."""
    ceiling = _headcount(ceiling, what="The ceiling")
    reserved = sum(_headcount(places, what="A project reserve") for places in reserves)
    if reserved > ceiling:
        raise _fail(
            RESERVES_EXCEED_CEILING,
            reserved=reserved,
            ceiling=ceiling,
            details={"reserved": reserved, "ceiling": ceiling},
        )
    return ceiling - reserved


class Reserve(NamedTuple):
    """A priority project's reserve in one plan: places in one region and category (DOMAIN §3 step 2)."""

    region: str
    category: str
    places: int


def _validated_reserves(reserves: Iterable[tuple[str, str, int]]) -> tuple[Reserve, ...]:
    """Validate (region, category, places) triples; returns them sorted by region, category order, places."""
    validated = []
    for reserve in reserves:
        if not isinstance(reserve, tuple) or len(reserve) != 3:
            raise _fail(INVALID_RESERVE, value=repr(reserve))
        region, category, places = reserve
        region, category = _cell((region, category))
        validated.append(Reserve(region, category, _headcount(places, what=f"The reserve in {region}/{category}")))
    return tuple(sorted(validated, key=lambda r: (r.region, category_order(r.category), r.places)))


# --------------------------------------------------------------------------------------------------------------------
# The one largest-remainder apportionment
# --------------------------------------------------------------------------------------------------------------------


def largest_remainder(
    *,
    total: int,
    weights: Mapping[K, int | Fraction],
    tie_break: Callable[[K], Any],
) -> dict[K, int]:
    """Apportion ``total`` places in proportion to ``weights`` by largest remainder (DOMAIN §3 steps 3-4, §5).

    Every key gets floor(total × w / W); the places left over go one each to the keys with the largest remainders
    (total × w mod W). Ties: the larger weight first (step 3's "larger demand", the fallback's "larger share", the
    fix's and amendments' "larger current value"), then ascending ``tie_break(key)`` (e.g. region code, category
    order). ``tie_break`` must give distinct values to distinct keys, so the result never depends on input order.
    The result sums to ``total`` exactly, is returned in ``tie_break`` order, and each value lies between the floor
    and the ceiling of its exact quota (a zero weight always gets zero).
    """
    total = _headcount(total, what="The number of places to apportion")
    checked = {key: _weight(weight, what=f"The weight of {key!r}") for key, weight in weights.items()}
    weight_sum = sum(checked.values(), Fraction(0))
    ordered = sorted(checked, key=tie_break)
    if weight_sum == 0:
        if total:
            raise _fail(NOTHING_TO_APPORTION, total=total, what="weights", details={"total": total})
        return dict.fromkeys(ordered, 0)
    quotas = {key: total * Fraction(weight) / weight_sum for key, weight in checked.items()}
    allocation = {key: math.floor(quota) for key, quota in quotas.items()}
    leftover = total - sum(allocation.values())
    ranking = sorted(ordered, key=lambda key: (-(quotas[key] - allocation[key]), -checked[key]))  # stable sort
    for key in ranking[:leftover]:
        allocation[key] += 1
    return {key: allocation[key] for key in ordered}


# --------------------------------------------------------------------------------------------------------------------
# Step 3: distribution
# --------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Distribution:
    """The regional pool spread over (region, category) cells plus the unallocated national headroom.

    Invariant: Σ cells + national_headroom == pool (DOMAIN §3 step 3).
    """

    cells: dict[Cell, int]
    national_headroom: int
    method: str

    @property
    def pool(self) -> int:
        """The regional pool this distribution spreads."""
        return sum(self.cells.values()) + self.national_headroom

    def region_totals(self) -> dict[str, int]:
        """Places per region, in region code order."""
        totals: dict[str, int] = {}
        for (region, _category), places in self.cells.items():
            totals[region] = totals.get(region, 0) + places
        return dict(sorted(totals.items()))

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        return {
            "method": self.method,
            "cells": _cells_as_dict(self.cells),
            "national_headroom": self.national_headroom,
        }


def distribute_demand(*, pool: int, demand: Mapping[Cell, int]) -> Distribution:
    """Distribute the regional pool from accepted demand D[region, category] (DOMAIN §3 step 3; Decree 802).

    T = ΣD. If T ≤ pool every cell gets its demand and the rest is national headroom. If T > pool every cell gets
    floor(D × pool / T) and the places left over go one each to the largest remainders (D × pool mod T); ties:
    larger demand, then region code, then category order 1, 2, 3, 4, S. Cells + headroom == pool always.
    """
    pool = _headcount(pool, what="The regional pool")
    checked = _validated_cells(demand, what="The demand for")
    requested = sum(checked.values())
    if requested <= pool:
        return Distribution(cells=checked, national_headroom=pool - requested, method=METHOD_DEMAND)
    cells = largest_remainder(total=pool, weights=checked, tie_break=cell_order)
    return Distribution(cells=cells, national_headroom=0, method=METHOD_DEMAND)


def distribute_by_labour_force(
    *,
    pool: int,
    labour_force: Mapping[str, int | None],
    category_shares: Mapping[str, int],
    regions: Iterable[str] | None = None,
) -> Distribution:
    """No-demand fallback (DOMAIN §3 step 3): the pool goes to regions in proportion to their labour force of the
    statistics year, then inside each region by the policy's default category shares, each time by largest
    remainder; ties: larger share, then region code / category order.

    ``regions`` are the regions valid on 1 January of the plan year (default: the keys of ``labour_force``); shares
    are taken of the sum over those regions only, so figures for other regions are ignored. If any of those
    regions has no figure (absent, or ``None``) the fallback is refused, naming the regions.
    """
    pool = _headcount(pool, what="The regional pool")
    if isinstance(regions, str):
        raise _fail(INVALID_REGION, value=f"{regions!r} (expected a collection of region codes)")
    valid = sorted({_region(region) for region in (labour_force if regions is None else regions)})
    missing = [region for region in valid if labour_force.get(region) is None]
    if missing:
        raise _fail(LABOUR_FORCE_MISSING, regions=", ".join(missing), details={"regions": missing})
    persons_by_region = {
        region: _headcount(labour_force[region], what=f"The labour force of {region}") for region in valid
    }
    shares = {}
    for category, share in category_shares.items():
        category_order(category)
        shares[category] = _headcount(share, what=f"The default share of category {category}")
    if pool and not any(persons_by_region.values()):
        raise _fail(NOTHING_TO_APPORTION, total=pool, what="regional labour-force figures", details={"total": pool})
    if pool and not any(shares.values()):
        raise _fail(NOTHING_TO_APPORTION, total=pool, what="default category shares", details={"total": pool})
    region_places = largest_remainder(total=pool, weights=persons_by_region, tie_break=_region)
    cells: dict[Cell, int] = {}
    for region, places in region_places.items():
        split = largest_remainder(total=places, weights=shares, tie_break=category_order)
        cells.update({(region, category): count for category, count in split.items()})
    return Distribution(cells=_sorted_cells(cells), national_headroom=0, method=METHOD_LABOUR_FORCE)


def national_totals(*, cells: Mapping[Cell, int], reserves: Iterable[tuple[str, str, int]] = ()) -> dict[str, int]:
    """National places per category (1, 2, 3, 4, S), project reserves added into their categories (DOMAIN §3)."""
    totals = dict.fromkeys(CATEGORIES, 0)
    for (_region, category), places in _validated_cells(cells, what="The cell").items():
        totals[category] += places
    for reserve in _validated_reserves(reserves):
        totals[reserve.category] += reserve.places
    return totals


def scale_cells(*, cells: Mapping[Cell, int], target: int) -> dict[Cell, int]:
    """Spread ``target`` over ``cells`` by largest remainder in proportion to their current values, ties as in
    DOMAIN §3 step 3 (larger value, region code, category order) — used by the §3 step 4 fix and by amendments (§5:
    cat-3 cells of 2,414 and 248 with target 2,131 → 1,932 and 199)."""
    return largest_remainder(
        total=_headcount(target, what="The target"),
        weights=_validated_cells(cells, what="The cell"),
        tie_break=cell_order,
    )


# --------------------------------------------------------------------------------------------------------------------
# Step 4: managers/specialists rule
# --------------------------------------------------------------------------------------------------------------------


def _counted_categories(seasonal_included: bool) -> tuple[str, ...]:
    """Categories in the share's denominator: 1-4, plus S when the policy switch includes seasonal work."""
    return CATEGORIES if seasonal_included else CATEGORIES[:-1]


def _cut_categories(seasonal_included: bool) -> tuple[str, ...]:
    """Categories the fix may cut: 4, plus S when seasonal work is included."""
    return ("4", SEASONAL) if seasonal_included else ("4",)


@dataclass(frozen=True)
class ShareResult:
    """The managers/specialists share: numerator = cats 1-3, denominator = cats 1-4 (+ S when included), reserves
    included in their categories (DOMAIN §3 step 4).

    ``share`` is exact; ``None`` when the denominator is zero (no place in the counted categories: nothing breaks
    the rule, so it passes). ``passes`` is share ≥ threshold_percent / 100, compared exactly (69.99 % fails 70 %).
    """

    numerator: int
    denominator: int
    share: Fraction | None
    threshold_percent: Decimal
    seasonal_included: bool
    passes: bool

    @property
    def percent(self) -> Decimal | None:
        """The share in percent rounded to one decimal, for display only."""
        return None if self.share is None else display_percent(self.share)

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form: the share as ``"num/den"``, percentages as strings."""
        return {
            "numerator": self.numerator,
            "denominator": self.denominator,
            "share": None if self.share is None else _fraction_text(self.share),
            "share_percent_display": None if self.percent is None else str(self.percent),
            "threshold_percent": str(self.threshold_percent),
            "seasonal_included": self.seasonal_included,
            "passes": self.passes,
        }


def managers_specialists_share(
    *,
    totals: Mapping[str, int],
    threshold_percent: Decimal,
    seasonal_included: bool = False,
) -> ShareResult:
    """Check the managers/specialists rule (DOMAIN §3 step 4; source paper: "managers and specialists should make
    up 70% of the total number of attracted foreign workers").

    ``totals`` are national places per category with reserves already added (see :func:`national_totals`);
    ``threshold_percent`` is a percentage ``Decimal`` (``Decimal("70")`` = 70 %). Seasonal (S) is excluded from
    the denominator unless ``seasonal_included``.
    """
    threshold = _percentage(threshold_percent, code=INVALID_THRESHOLD)
    counts = {
        category: _headcount(totals.get(category, 0), what=f"The total of category {category}")
        for category in CATEGORIES
    }
    for category in totals:
        category_order(category)
    numerator = sum(counts[category] for category in MANAGER_SPECIALIST_CATEGORIES)
    denominator = sum(counts[category] for category in _counted_categories(seasonal_included))
    if denominator == 0:
        share, passes = None, True
    else:
        share = Fraction(numerator, denominator)
        passes = share * 100 >= Fraction(threshold)
    return ShareResult(
        numerator=numerator,
        denominator=denominator,
        share=share,
        threshold_percent=threshold,
        seasonal_included=seasonal_included,
        passes=passes,
    )


@dataclass(frozen=True)
class ShareFix:
    """The fix the system offers for a flagged plan (DOMAIN §3 step 4).

    ``kept_total`` = floor(m × (1 − t) / t), m = cats 1-3 with reserves; ``kept_in_cells`` = kept_total − places
    reserved in the cut categories, spread over the non-reserved cells of cat 4 (+ S) by largest remainder;
    ``cells`` is the whole distribution after the fix; ``moved_to_headroom`` places go to national headroom;
    ``share`` is the rule re-checked on the fixed plan (it always passes).
    """

    kept_total: int
    reserved_in_cut_categories: int
    kept_in_cells: int
    cells: dict[Cell, int]
    moved_to_headroom: int
    share: ShareResult

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        return {
            "kept_total": self.kept_total,
            "reserved_in_cut_categories": self.reserved_in_cut_categories,
            "kept_in_cells": self.kept_in_cells,
            "cells": _cells_as_dict(self.cells),
            "moved_to_headroom": self.moved_to_headroom,
            "share": self.share.as_dict(),
        }


def managers_specialists_fix(
    *,
    cells: Mapping[Cell, int],
    reserves: Iterable[tuple[str, str, int]] = (),
    threshold_percent: Decimal,
    seasonal_included: bool = False,
) -> ShareFix:
    """Compute the fix for a plan that breaks the managers/specialists rule (DOMAIN §3 step 4).

    Keep floor(m × (1 − t) / t) − (places reserved in cat 4, and S when included) in the non-reserved cells of
    cat 4 (and S), spread by largest remainder in proportion to their current values (ties as step 3: larger value,
    region code, category order); the cut places go to national headroom. Raises ``NO_FIX_EXISTS`` when the
    reserves alone exceed the kept total. A plan that already passes comes back unchanged (nothing moved).
    """
    threshold = _percentage(threshold_percent, code=INVALID_THRESHOLD)
    current = _validated_cells(cells, what="The cell")
    checked_reserves = _validated_reserves(reserves)
    totals = national_totals(cells=current, reserves=checked_reserves)
    managers_specialists = sum(totals[category] for category in MANAGER_SPECIALIST_CATEGORIES)
    cut_categories = _cut_categories(seasonal_included)
    t = Fraction(threshold) / 100
    kept_total = math.floor(managers_specialists * (1 - t) / t)
    reserved = sum(r.places for r in checked_reserves if r.category in cut_categories)
    kept_in_cells = kept_total - reserved
    if kept_in_cells < 0:
        raise _fail(
            NO_FIX_EXISTS,
            categories=" + ".join(cut_categories),
            reserved=reserved,
            kept=kept_total,
            details={"reserved": reserved, "kept_total": kept_total},
        )
    cut_cells = {cell: places for cell, places in current.items() if cell[1] in cut_categories}
    held = sum(cut_cells.values())
    fixed = dict(current)
    if held > kept_in_cells:
        fixed.update(scale_cells(cells=cut_cells, target=kept_in_cells))
    fixed = _sorted_cells(fixed)
    share = managers_specialists_share(
        totals=national_totals(cells=fixed, reserves=checked_reserves),
        threshold_percent=threshold,
        seasonal_included=seasonal_included,
    )
    return ShareFix(
        kept_total=kept_total,
        reserved_in_cut_categories=reserved,
        kept_in_cells=kept_in_cells,
        cells=fixed,
        moved_to_headroom=held - sum(fixed[cell] for cell in cut_cells),
        share=share,
    )


# --------------------------------------------------------------------------------------------------------------------
# Step 5: country caps
# --------------------------------------------------------------------------------------------------------------------


def validate_country_caps(*, caps: Iterable[tuple[str, int]] | Mapping[str, int], total: int) -> dict[str, int]:
    """Validate country caps (DOMAIN §3 step 5): ISO alpha-2 codes, each once, each cap a whole number ≥ 0 that
    never exceeds ``total`` — a cap lies inside the total, it is not an addition. Returns them in code order."""
    total = _headcount(total, what="The quota total")
    pairs = list(caps.items()) if isinstance(caps, Mapping) else list(caps)
    checked: dict[str, int] = {}
    repeated: set[str] = set()
    for pair in pairs:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise _fail(INVALID_COUNTRY, value=repr(pair))
        country, cap = pair
        if not (
            isinstance(country, str)
            and len(country) == 2
            and country.isascii()
            and country.isalpha()
            and country.isupper()
        ):
            raise _fail(INVALID_COUNTRY, value=repr(country))
        places = _headcount(cap, what=f"The cap for {country}")
        if country in checked:
            repeated.add(country)
        checked[country] = places
    if repeated:
        names = sorted(repeated)
        raise _fail(DUPLICATE_COUNTRY, countries=", ".join(names), details={"countries": names})
    over = sorted(country for country, places in checked.items() if places > total)
    if over:
        raise _fail(CAP_EXCEEDS_TOTAL, total=total, countries=", ".join(over), details={"countries": over})
    return dict(sorted(checked.items()))


# --------------------------------------------------------------------------------------------------------------------
# The whole plan, steps 1-5
# --------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanResult:
    """Everything a quota plan computation produced, ready to be stored as the plan's snapshot (DOMAIN §0, §3).

    ``national_totals`` include project reserves in their categories; ``flagged`` is the managers/specialists rule
    failing; ``fix`` is the offered fix when flagged (``None`` when not flagged, or flagged and no fix exists —
    then ``fix_error_code`` / ``fix_error_message`` say why). ``country_caps`` are validated against the ceiling.
    """

    rate_percent: Decimal
    labour_force: int
    ceiling: int
    reserves: tuple[Reserve, ...]
    reserves_total: int
    pool: int
    method: str
    demand_total: int
    cells: dict[Cell, int]
    national_headroom: int
    national_totals: dict[str, int]
    share: ShareResult
    flagged: bool
    fix: ShareFix | None
    fix_error_code: str | None
    fix_error_message: str | None
    country_caps: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form (Decimals as strings, Fractions as "num/den", cells nested by region)."""
        return {
            "rate_percent": str(self.rate_percent),
            "labour_force": self.labour_force,
            "ceiling": self.ceiling,
            "reserves": [reserve._asdict() for reserve in self.reserves],
            "reserves_total": self.reserves_total,
            "pool": self.pool,
            "method": self.method,
            "demand_total": self.demand_total,
            "cells": _cells_as_dict(self.cells),
            "national_headroom": self.national_headroom,
            "national_totals": dict(self.national_totals),
            "share": self.share.as_dict(),
            "flagged": self.flagged,
            "fix": None if self.fix is None else self.fix.as_dict(),
            "fix_error_code": self.fix_error_code,
            "fix_error_message": self.fix_error_message,
            "country_caps": dict(self.country_caps),
        }

    def rule_results(self) -> dict[str, Any]:
        """Each rule's result, as the plan stores it (DOMAIN §3): the reserves within the ceiling, the cells and
        national headroom summing to the pool, the managers/specialists rule with its fix (none applied yet), the
        country caps within the ceiling. Assembled here once; a refusal of the maths never gets this far."""
        cells = sum(self.cells.values())
        return {
            "reserves_within_ceiling": {"passes": True, "reserved": self.reserves_total, "ceiling": self.ceiling},
            "cells_sum_to_pool": {
                "passes": cells + self.national_headroom == self.pool,
                "cells": cells,
                "national_headroom": self.national_headroom,
                "pool": self.pool,
            },
            "managers_specialists": {
                **self.share.as_dict(),
                "flagged": self.flagged,
                "fix": None if self.fix is None else self.fix.as_dict(),
                "fix_error_code": self.fix_error_code,
                "fix_error_message": self.fix_error_message,
                "fix_applied": None,
            },
            "country_caps_within_ceiling": {"passes": True, "caps": dict(self.country_caps), "ceiling": self.ceiling},
        }


def _distribute(
    *,
    pool: int,
    demand: Mapping[Cell, int],
    regional_labour_force: Mapping[str, int | None] | None,
    default_category_shares: Mapping[str, int] | None,
    regions: Iterable[str] | None,
) -> tuple[Distribution, int]:
    """Step 3: from demand when any was accepted, else the labour-force fallback. Returns (distribution, T)."""
    checked = _validated_cells(demand, what="The demand for")
    requested = sum(checked.values())
    if requested:
        return distribute_demand(pool=pool, demand=checked), requested
    if regional_labour_force is None or default_category_shares is None:
        raise _fail(FALLBACK_INPUTS_MISSING)
    fallback = distribute_by_labour_force(
        pool=pool, labour_force=regional_labour_force, category_shares=default_category_shares, regions=regions
    )
    return fallback, 0


def compute_plan(
    *,
    rate_percent: Decimal,
    labour_force: int,
    reserves: Iterable[tuple[str, str, int]] = (),
    demand: Mapping[Cell, int],
    regional_labour_force: Mapping[str, int | None] | None = None,
    default_category_shares: Mapping[str, int] | None = None,
    regions: Iterable[str] | None = None,
    threshold_percent: Decimal,
    seasonal_included: bool = False,
    country_caps: Iterable[tuple[str, int]] | Mapping[str, int] = (),
) -> PlanResult:
    """Run DOMAIN §3 steps 1-5 in order: ceiling, reserves and pool, distribution (demand, or the labour-force
    fallback when no demand was accepted), the managers/specialists rule with its fix, country caps.

    ``reserves`` are (region, category, places) triples; ``threshold_percent`` is e.g. ``Decimal("70")``;
    ``regional_labour_force``, ``default_category_shares`` and ``regions`` (the regions valid on 1 January, default
    the keys of ``regional_labour_force``) are used only when the demand total is zero.
    """
    ceiling = quota_ceiling(rate_percent=rate_percent, labour_force=labour_force)
    checked_reserves = _validated_reserves(reserves)
    pool = regional_pool(ceiling=ceiling, reserves=[reserve.places for reserve in checked_reserves])
    distribution, requested = _distribute(
        pool=pool,
        demand=demand,
        regional_labour_force=regional_labour_force,
        default_category_shares=default_category_shares,
        regions=regions,
    )
    totals = national_totals(cells=distribution.cells, reserves=checked_reserves)
    share = managers_specialists_share(
        totals=totals, threshold_percent=threshold_percent, seasonal_included=seasonal_included
    )
    fix, fix_error_code, fix_error_message = None, None, None
    if not share.passes:
        try:
            fix = managers_specialists_fix(
                cells=distribution.cells,
                reserves=checked_reserves,
                threshold_percent=threshold_percent,
                seasonal_included=seasonal_included,
            )
        except CalculationError as error:
            fix_error_code, fix_error_message = error.code, error.message
    caps = validate_country_caps(caps=country_caps, total=ceiling)
    return PlanResult(
        rate_percent=rate_percent,
        labour_force=labour_force,
        ceiling=ceiling,
        reserves=checked_reserves,
        reserves_total=ceiling - pool,
        pool=pool,
        method=distribution.method,
        demand_total=requested,
        cells=distribution.cells,
        national_headroom=distribution.national_headroom,
        national_totals=totals,
        share=share,
        flagged=not share.passes,
        fix=fix,
        fix_error_code=fix_error_code,
        fix_error_message=fix_error_message,
        country_caps=caps,
    )


# --------------------------------------------------------------------------------------------------------------------
# Amendments (DOMAIN §5): targets and factors spread in proportion to current values, moves by exact numbers
# --------------------------------------------------------------------------------------------------------------------

INVALID_FACTOR = "invalid_factor"
INVALID_TARGET = "invalid_target"
TARGET_BELOW_RESERVES = "target_below_reserves"
NOTHING_TO_SCALE = "nothing_to_scale"
UNKNOWN_CELL = "unknown_cell"
INVALID_MOVE = "invalid_move"
MOVE_EXCEEDS_PLACES = "move_exceeds_places"

ERROR_MESSAGES.update(
    {
        INVALID_FACTOR: "A factor must be a Decimal above 0 and at most {maximum}; got {value}.",
        INVALID_TARGET: "Give either a target total or a factor for category {category}, not both and not neither.",
        TARGET_BELOW_RESERVES: "The target {target} for {scope} is below the {reserved} places its project reserves "
        "hold: {reserves}.",
        NOTHING_TO_SCALE: "{scope} has no places to spread {places} places over in proportion: give them by moves.",
        UNKNOWN_CELL: "The plan has no cell {cell}.",
        INVALID_MOVE: "A move needs a whole number of places above zero and two different ends.",
        MOVE_EXCEEDS_PLACES: "{source} has {available} places: {places} cannot be moved from it.",
    }
)

#: The largest factor an amendment may apply (a tenfold raise is already far beyond any ceiling).
MAX_FACTOR = Decimal("10")


@dataclass(frozen=True)
class ScaleChange:
    """A category's new national total (or, with ``region``, its total in one region): a ``target`` or a ``factor``
    (DOMAIN §5, "Amendment details"). Project reserves of the category keep their places either way. A ``target`` is
    the total including those reserves (regional target = target − reserves); a ``factor`` applies to the regional
    cells only (regional target = floor(regional total × factor)). The regional target is spread over the category's
    regional cells in proportion to their current values."""

    category: str
    region: str | None = None
    target: int | None = None
    factor: Decimal | None = None


@dataclass(frozen=True)
class MoveChange:
    """Exactly ``places`` places moved from one cell to another; ``None`` at either end is the national headroom."""

    places: int
    source: Cell | None = None
    destination: Cell | None = None


@dataclass(frozen=True)
class ReserveChange:
    """A priority project's reserve in one region and category set to exactly ``places`` (the total changes with it)."""

    project: str
    region: str
    category: str
    places: int


@dataclass(frozen=True)
class CapChange:
    """A country's cap set to exactly ``places`` (a cap lies inside the total; it adds no place to it)."""

    country: str
    places: int


#: A project reserve's cell in an amendment: (project code, region code, category).
ProjectCell = tuple[str, str, str]


@dataclass(frozen=True)
class AmendmentResult:
    """The plan's regional cells, project reserves, country caps and national headroom after an amendment's changes,
    applied in their order, and each scale change's current total and target (for the record and the page)."""

    cells: dict[Cell, int]
    national_headroom: int
    targets: tuple[dict[str, Any], ...]
    project_cells: dict[ProjectCell, int]
    country_caps: dict[str, int]


def amendment_target(*, current: int, target: int | None = None, factor: Decimal | None = None) -> int:
    """The target: the one given, or floor(current × factor) computed exactly (no float ever rounds it). For a scale
    change's factor, ``current`` is the regional total (reserves untouched, DOMAIN §5)."""
    current = _headcount(current, what="The current total")
    if factor is None:
        return _headcount(target, what="The target")
    if not isinstance(factor, Decimal) or not factor.is_finite() or not Decimal(0) < factor <= MAX_FACTOR:
        raise _fail(INVALID_FACTOR, value=repr(factor), maximum=MAX_FACTOR)
    return math.floor(current * Fraction(factor))


def _scope_name(category: str, region: str | None) -> str:
    return f"category {category}" + (f" in {region}" if region else "")


def _cell_name(cell: Cell | None) -> str:
    return "the national headroom" if cell is None else f"{cell[0]}/{cell[1]}"


def _reserve_name(key: ProjectCell, places: int) -> str:
    """A project reserve named for an error: "atyrau-refinery KZ-23/3 (400)" (an anonymous one: "KZ-23/3 (400)")."""
    project, region, category = key
    return f"{project} {region}/{category} ({places})" if project else f"{region}/{category} ({places})"


def amend_cells(
    *,
    cells: Mapping[Cell, int],
    reserves: Iterable[tuple[str, str, int]] = (),
    project_cells: Mapping[ProjectCell, int] | None = None,
    country_caps: Mapping[str, int] | None = None,
    national_headroom: int,
    changes: Iterable[ScaleChange | MoveChange | ReserveChange | CapChange],
) -> AmendmentResult:
    """Apply an amendment's changes to a plan's current regional cells, in the order given (DOMAIN §5).

    A scale change spreads a regional target over the scope's regional cells by largest remainder in proportion to
    their current values, ties as in §3 step 3 (cat-3 cells of 2,414 and 248 with target 2,131 → 1,932 and 199); the
    project reserves in its scope keep their places (DOMAIN §5, "Amendment details"): a factor gives the regional
    target floor(regional total × factor) — "cat 3 × 0.5" with regional cells 300 and 200 and a reserve of 500 gives
    150 / 100 / 500 — and a target is the total including the reserves (regional target = target − reserves; refused,
    naming the reserves, when below them). Places cut leave the plan: national headroom changes only by a move naming
    it. A move takes exact places from one cell (or the headroom) to another. Whether a cell may go that low (reserved
    + used), the managers/specialists rule and the ceiling are the caller's checks, on the result.

    Project reserves are given as ``project_cells`` ({(project, region, category): places}) — a reserve change sets
    one of them exactly — or, anonymously, as ``reserves`` triples; country caps as ``country_caps`` — a cap change
    sets one exactly.
    """
    current = dict(_validated_cells(cells, what="The cell"))
    projects: dict[ProjectCell, int] = {
        key: _headcount(places, what=f"The reserve {key!r}") for key, places in (project_cells or {}).items()
    }
    for reserve in _validated_reserves(reserves):
        key = ("", reserve.region, reserve.category)
        projects[key] = projects.get(key, 0) + reserve.places
    caps = {
        country: _headcount(places, what=f"The cap of {country}") for country, places in (country_caps or {}).items()
    }
    headroom = _headcount(national_headroom, what="The national headroom")
    targets = []
    for position, change in enumerate(changes):
        try:
            headroom = _apply_change(change, current, projects, caps, headroom, targets)
        except CalculationError as error:
            error.details.setdefault("change", position)  # which change, for a field-level error
            raise
    return AmendmentResult(
        cells=_sorted_cells(current),
        national_headroom=headroom,
        targets=tuple(targets),
        project_cells={key: places for key, places in sorted(projects.items()) if key[0]},
        country_caps=dict(sorted(caps.items())),
    )


def _apply_change(
    change: ScaleChange | MoveChange | ReserveChange | CapChange,
    current: dict[Cell, int],
    projects: dict[ProjectCell, int],
    caps: dict[str, int],
    headroom: int,
    targets: list[dict[str, Any]],
) -> int:
    """Apply one change in place; returns the national headroom after it. Errors carry their message parameters in
    ``details`` so a service can word them in the user's language."""
    if isinstance(change, ScaleChange):
        _scale(change, current, projects, targets)
        return headroom
    if isinstance(change, ReserveChange):
        key = (change.project, change.region, change.category)
        if not change.project or key not in projects:
            cell = f"{change.project} {change.region}/{change.category}"
            raise _fail(UNKNOWN_CELL, cell=cell, details={"cell": cell})
        projects[key] = _headcount(change.places, what="The reserve")
        return headroom
    if isinstance(change, CapChange):
        if change.country not in caps:
            raise _fail(UNKNOWN_CELL, cell=change.country, details={"cell": change.country})
        caps[change.country] = _headcount(change.places, what="The cap")
        return headroom
    if not isinstance(change, MoveChange):
        raise TypeError(f"amend_cells() got an unknown change {change!r}")
    places = change.places
    if isinstance(places, bool) or not isinstance(places, int) or places <= 0 or change.source == change.destination:
        raise _fail(INVALID_MOVE)
    for end in (change.source, change.destination):
        if end is not None and end not in current:
            raise _fail(UNKNOWN_CELL, cell=_cell_name(end), details={"cell": _cell_name(end)})
    available = headroom if change.source is None else current[change.source]
    if places > available:
        params = {"source": _cell_name(change.source), "available": available, "places": places}
        raise _fail(MOVE_EXCEEDS_PLACES, details=params, **params)
    if change.source is None:
        headroom -= places
    else:
        current[change.source] -= places
    if change.destination is None:
        headroom += places
    else:
        current[change.destination] += places
    return headroom


def _scale(
    change: ScaleChange, current: dict[Cell, int], projects: dict[ProjectCell, int], targets: list[dict[str, Any]]
) -> None:
    category_order(change.category)
    if (change.target is None) == (change.factor is None):
        raise _fail(INVALID_TARGET, category=change.category, details={"category": change.category})
    region = change.region or None
    if region is not None and (region, change.category) not in current:
        cell = _cell_name((region, change.category))
        raise _fail(UNKNOWN_CELL, cell=cell, details={"cell": cell})
    scope = {
        cell: places
        for cell, places in current.items()
        if cell[1] == change.category and (region is None or cell[0] == region)
    }
    scope_reserves = {
        key: places
        for key, places in sorted(projects.items())
        if key[2] == change.category and (region is None or key[1] == region) and places
    }
    reserved = sum(scope_reserves.values())
    regional = sum(scope.values())
    name = _scope_name(change.category, region)
    if change.factor is not None:
        # DOMAIN §5, "Amendment details": a factor applies to the regional cells; the reserves keep their places.
        regional_target = amendment_target(current=regional, factor=change.factor)
        target = regional_target + reserved
    else:
        # A target is the category's total including its reserves.
        target = _headcount(change.target, what="The target")
        regional_target = target - reserved
        if regional_target < 0:
            names = [_reserve_name(key, places) for key, places in scope_reserves.items()]
            params = {
                "target": target,
                "scope": name,
                "category": change.category,
                "region": region,
                "reserved": reserved,
                "reserves": ", ".join(names),
            }
            raise _fail(TARGET_BELOW_RESERVES, details={**params, "reserve_cells": names}, **params)
    if not any(scope.values()) and regional_target > 0:
        params = {"scope": name, "places": regional_target}
        raise _fail(NOTHING_TO_SCALE, details=params, **params)
    current.update(scale_cells(cells=scope, target=regional_target))
    targets.append(
        {
            "category": change.category,
            "region": region,
            "current": regional + reserved,
            "target": target,
            "reserved": reserved,
            "factor": None if change.factor is None else str(change.factor),
        }
    )
