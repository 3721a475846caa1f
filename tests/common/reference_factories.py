"""Small builders for policy parameters and reference-list rows (the shipped files load them all;
tests that need only a few rows build them here, which keeps the suite fast)."""

from datetime import date

from common.models import Country, Occupation, PolicyParameter, PolicyPeriod, Sector
from common.policy import P


def make_policy_parameter(
    name: str, *periods: tuple[date, date | None, object], key: str = "", value_type: str = "integer", **fields
) -> PolicyParameter:
    """A parameter with periods given as (valid_from, valid_to, stored value), as the loader would store them."""
    parameter = PolicyParameter.objects.create(name=name, key=key, value_type=value_type, **fields)
    PolicyPeriod.objects.bulk_create(
        PolicyPeriod(parameter=parameter, valid_from=start, valid_to=end, value=value, source="tests")
        for start, end, value in periods
    )
    return parameter


def make_country(alpha_2="KG", alpha_3="KGZ", numeric="417", name_en="Kyrgyzstan", eaeu_member=True, **fields):
    fields.setdefault("name_ru", "Киргизия")
    fields.setdefault("name_kk", "Қырғызстан")
    fields.setdefault("eaeu_member_since", date(2015, 8, 6) if eaeu_member else None)
    return Country.objects.create(
        alpha_2=alpha_2, alpha_3=alpha_3, numeric=numeric, name_en=name_en, eaeu_member=eaeu_member, **fields
    )


def make_sector(oked_section="F", name_en="Construction", fee_group="C", fee_group_status="inferred", **fields):
    fields.setdefault("name_ru", "Строительство")
    fields.setdefault("name_kk", "Құрылыс")
    return Sector.objects.create(
        oked_section=oked_section, name_en=name_en, fee_group=fee_group, fee_group_status=fee_group_status, **fields
    )


def make_occupation(isco08_code="25", title_en="ICT professionals", parent=None, **fields):
    fields.setdefault("title_ru", "Специалисты по ИКТ")
    fields.setdefault("title_kk", "АКТ мамандары")
    level = "major" if len(isco08_code) == 1 else "sub-major"
    if level == "sub-major" and parent is None:
        parent = Occupation.objects.filter(isco08_code=isco08_code[0]).first() or make_occupation(
            isco08_code[0], title_en="Professionals"
        )
    return Occupation.objects.create(isco08_code=isco08_code, level=level, title_en=title_en, parent=parent, **fields)


def reference_world_objects() -> dict:
    """The objects the permission matrix names (tests/permission_expectations.py)."""
    return {
        "country": make_country(),
        "sector": make_sector(),
        "occupation": make_occupation(),
        "policy_parameter": make_policy_parameter(
            P.VACANCY_TEST_DAYS, (date(2014, 1, 1), None, 15), value_type="days", rule_reference="Order 279"
        ),
    }
