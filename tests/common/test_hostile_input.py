"""Hostile input answers 400, never 500 (issue 13, item 1): JSON nested 1,000 levels deep, numbers of thousands of
digits in CSV cells, JSON strings and form boxes, and NUL characters named by their field's dotted path."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from common.models import PolicyPeriod
from common.parsers import CODE_JSON_NUMBER_TOO_LONG, CODE_JSON_TOO_DEEP, MAX_JSON_DEPTH, json_too_deep, load_json
from common.policy import MESSAGE_NOT_A_PERCENT, MESSAGE_NOT_AN_INTEGER, P, parse_policy_text
from common.validators import CODE_NOT_WHOLE_NUMBER, CODE_TOO_MANY_DIGITS, MESSAGE_TOO_MANY_DIGITS, parse_whole_number
from quota import imports
from tests.common.test_policy import parameter

pytestmark = pytest.mark.django_db


def short(value) -> str:
    """Test ids that do not print 5,000 digits."""
    text = repr(value)
    return text if len(text) <= 24 else f"{text[:20]}…{len(text)}"


BIG = "9" * 5_000  # beyond Python's 4,300-digit limit of int()
NESTED_ARRAYS = "[" * 1_000 + "]" * 1_000  # 2 kB
NESTED_OBJECTS = '{"a":' * 1_000 + "1" + "}" * 1_000
LF_URL = "/api/v1/labour-force/import/"
PLAN_URL = "/api/v1/quota-plans/"
AMENDMENT_URL = "/api/v1/quota-amendments/"


def errors_of(response, status_code=400) -> list[tuple]:
    assert response.status_code == status_code, response.content[:500]
    body = response.json()
    assert set(body) == {"errors"} and body["errors"]
    for item in body["errors"]:
        assert set(item) == {"field", "code", "message"} and item["message"]
        assert len(item["message"]) < 300  # a 5,000-digit value is never quoted back whole
    return [(item["field"], item["code"]) for item in body["errors"]]


def csv_file(*lines: str, name: str = "data.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(), content_type="text/csv")


# ---------------------------------------------------------------------------------------------------------------------
# The shared whole-number parser and the JSON depth check
# ---------------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [("0", 0), ("42", 42), ("000000000000000000042", 42), ("999999999999", 999_999_999_999)],
)
def test_parse_whole_number_takes_ascii_digits(text, expected):
    assert parse_whole_number(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (BIG, CODE_TOO_MANY_DIGITS),
        ("1" + "0" * 12, CODE_TOO_MANY_DIGITS),
        ("-5", CODE_NOT_WHOLE_NUMBER),
        ("1.5", CODE_NOT_WHOLE_NUMBER),
        ("9e6", CODE_NOT_WHOLE_NUMBER),
        ("²", CODE_NOT_WHOLE_NUMBER),  # str.isdigit() says yes, int() raises
        ("١٢", CODE_NOT_WHOLE_NUMBER),  # Arabic-Indic digits
        ("", CODE_NOT_WHOLE_NUMBER),
        (12, CODE_NOT_WHOLE_NUMBER),
    ],
    ids=short,
)
def test_parse_whole_number_refuses_with_a_code(text, code):
    with pytest.raises(ValidationError) as refused:
        parse_whole_number(text)
    assert refused.value.code == code


def test_the_depth_check_counts_brackets_outside_strings_only():
    limit = MAX_JSON_DEPTH
    assert not json_too_deep("[" * limit + "]" * limit)
    assert json_too_deep("[" * (limit + 1) + "]" * (limit + 1))
    assert json_too_deep(NESTED_OBJECTS)
    assert not json_too_deep('["' + "[" * 1_000 + '"]')
    assert not json_too_deep('["\\"' + "{" * 1_000 + '"]')  # an escaped quote does not end the string
    assert load_json("[" * limit + "]" * limit) is not None
    for body, code in ((NESTED_ARRAYS, CODE_JSON_TOO_DEEP), (f"[{BIG}]", CODE_JSON_NUMBER_TOO_LONG)):
        with pytest.raises(ValueError) as refused:
            load_json(body)
        assert refused.value.code == code


# ---------------------------------------------------------------------------------------------------------------------
# Deeply nested JSON
# ---------------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("body", [NESTED_ARRAYS, NESTED_OBJECTS])
def test_deep_json_is_a_400_for_anonymous_callers(client, body):
    response = client.post("/api/v1/auth/token/", body, content_type="application/json")
    assert errors_of(response) == [(None, CODE_JSON_TOO_DEEP)]


@pytest.mark.parametrize("url", [LF_URL, AMENDMENT_URL, PLAN_URL])
@pytest.mark.parametrize("body", [NESTED_ARRAYS, NESTED_OBJECTS])
def test_deep_json_is_a_400_for_signed_in_callers(as_user, world, url, body):
    client = as_user(world.users["ministry"])
    response = client.generic("POST", url, body, content_type="application/json")
    assert errors_of(response) == [(None, CODE_JSON_TOO_DEEP)]


def test_a_json_number_beyond_python_s_limit_is_a_400(as_user, world):
    response = as_user(world.users["ministry"]).generic(
        "POST", LF_URL, f'{{"rows": [{{"persons": {BIG}}}]}}', content_type="application/json"
    )
    assert errors_of(response) == [(None, CODE_JSON_NUMBER_TOO_LONG)]


# ---------------------------------------------------------------------------------------------------------------------
# Numbers of thousands of digits: imports (CSV and JSON), amendments, policy periods, pages
# ---------------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (P.MCI_KZT, BIG, MESSAGE_NOT_AN_INTEGER),
        (P.MCI_KZT, 10**4_000, MESSAGE_TOO_MANY_DIGITS % {"digits": 12}),
        (P.MCI_KZT, 10**12, MESSAGE_TOO_MANY_DIGITS % {"digits": 12}),
        (P.QUOTA_RATE_PERCENT, BIG, MESSAGE_NOT_A_PERCENT),
        (P.QUOTA_RATE_PERCENT, "0." + BIG, MESSAGE_NOT_A_PERCENT),  # not rounded to 1.000 at 28 digits
        (P.QUOTA_RATE_PERCENT, "0.25" + "0" * 30 + "1", MESSAGE_NOT_A_PERCENT),
        (P.DEFAULT_CATEGORY_SHARES, {"1": 10**4_000, "2": 1, "3": 1, "4": 1, "S": 1}, None),
    ],
    ids=short,
)
def test_a_policy_period_with_a_huge_value_is_refused(policy_parameters, as_user, ministry_user, name, value, message):
    count = PolicyPeriod.objects.count()
    response = as_user(ministry_user).post(
        f"/api/v1/policy-parameters/{parameter(name).pk}/periods/",
        {"valid_from": "2031-01-01", "value": value, "source": "x", "reason": "test"},
    )
    assert errors_of(response) == [("value", "invalid")]
    if message is not None:
        assert response.json()["errors"][0]["message"] == str(message)
    assert PolicyPeriod.objects.count() == count


def test_seasonal_fee_bands_with_a_huge_or_foreign_key_are_refused(policy_parameters, as_user, ministry_user):
    item = parameter(P.SEASONAL_FEE_BANDS_MCI)
    for band in (BIG, "²", "90"):
        response = as_user(ministry_user).post(
            f"/api/v1/policy-parameters/{item.pk}/periods/",
            {"valid_from": "2031-01-01", "value": {band: 12, "x": 1}, "source": "x", "reason": "test"},
        )
        assert errors_of(response)[0] == ("value", "invalid")


@pytest.mark.parametrize(
    ("name", "value"),
    [(P.MCI_KZT, BIG), (P.MCI_KZT, "²"), (P.DEFAULT_CATEGORY_SHARES, NESTED_ARRAYS), (P.DEFAULT_CATEGORY_SHARES, BIG)],
)
def test_the_policy_page_refuses_a_huge_or_deep_value_on_the_form(
    policy_parameters, client, ministry_user, name, value
):
    count = PolicyPeriod.objects.count()
    client.force_login(ministry_user)
    data = {"valid_from": "2031-01-01", "value": value, "source": "x", "reason": "test"}
    response = client.post(f"/policy/{parameter(name).pk}/", data)
    assert response.status_code == 200
    assert PolicyPeriod.objects.count() == count


@pytest.mark.parametrize(
    ("value_type", "text"),
    [("money", BIG), ("days", "²"), ("structure", NESTED_ARRAYS), ("structure", f'{{"a": {BIG}}}')],
)
def test_policy_text_of_seed_files_is_refused_as_a_value_error(value_type, text):
    with pytest.raises(ValidationError) as refused:
        parse_policy_text(name="anything", value_type=value_type, text=text)
    assert "value" in refused.value.message_dict


# ---------------------------------------------------------------------------------------------------------------------
# NUL characters in a JSON body: the 400 names the field
# ---------------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"rows": [{"region": "KZ"}, {"region": "KZ\\u0000"}]}', "rows.1.region"),
        ('{"rows": [{"region": "KZ"}, {"region": "KZ\x00"}]}', "rows.1.region"),  # a raw NUL inside the string
        ('{"source": "a\\u0000b", "rows": []}', "source"),
        ('{"rows": [{"re\\u0000gion": "KZ"}]}', "rows.0"),  # in a key: the object that holds it
        ('["\\u0000"]', "0"),
        ('"\\u0000"', None),
        ('{"rows": [\x00]}', None),  # not JSON: refused as a whole
        ("[" * 200 + '"\\u0000"' + "]" * 200, None),  # too deep to decode: refused as a whole
    ],
    ids=short,
)
def test_a_nul_in_a_json_body_is_named_by_its_dotted_path(as_user, world, body, field):
    response = as_user(world.users["ministry"]).generic("POST", LF_URL, body, content_type="application/json")
    assert errors_of(response) == [(field, "null_characters_not_allowed")]


def test_a_nul_in_an_anonymous_json_body_is_named_too(client):
    body = '{"username": "a\\u0000", "password": "x"}'
    response = client.post("/api/v1/auth/token/", body, content_type="application/json")
    assert errors_of(response) == [("username", "null_characters_not_allowed")]


def test_an_escaped_backslash_before_u0000_is_not_a_nul(as_user, world):
    body = '{"rows": [{"region": "KZ\\\\u0000"}]}'  # the text \u0000, six characters, no NUL
    response = as_user(world.users["ministry"]).generic("POST", LF_URL, body, content_type="application/json")
    assert ("rows.0.region", imports.UNKNOWN_REGION) in errors_of(response)
