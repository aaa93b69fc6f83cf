"""A bounded fuzz of the two API endpoints against their OpenAPI description (docs/openapi.yaml).

hypothesis draws who asks (anonymous, staff and managers of a province, national users,
an inactive account) and the query string (good years in Latin, Persian and Arabic
digits, nonsense, huge numbers, injection strings; province codes, names, codes of
other provinces, random Unicode), then checks every answer.

Rules checked:
- the status is one the description documents for that operation (never a 500);
- every JSON body validates against the documented schema (types, required fields,
  nullable targets, 12 monthly rows, year within 1300-1500);
- 400 exactly when the year is not a Jalali year or the province is unknown; 401 exactly
  when not logged in; 403 exactly when a known province is outside the user's scope;
- a provincial user's country-level answer holds only their own province.

`make fuzz` runs many more examples (RELIEFJOBS_FUZZ_EXAMPLES, default 120 in the suite).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programs.models import CountyOffice, Province, User
from programs.services import FigureValue, TargetValue, apply_targets
from reliefjobs.lib.text import NumberError, parse_int
from tests.seeding import apply_values

SPEC = yaml.safe_load((Path(__file__).parents[1] / "docs" / "openapi.yaml").read_text("utf-8"))
EXAMPLES = int(os.environ.get("RELIEFJOBS_FUZZ_EXAMPLES", "120"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=os.environ.get("RELIEFJOBS_FUZZ_EXAMPLES") is None,
)
STATS = {"cases": 0, "statuses": {}}


# --- a small validator for the subset of OpenAPI schema the description uses ------------------


def node_ref(path: str) -> list[str]:
    return path.removeprefix("#/").split("/")


def deref(node):
    while isinstance(node, dict) and "$ref" in node:
        target = SPEC
        for part in node_ref(node["$ref"]):
            target = target[part]
        node = target
    return node


TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "integer": int,
}


def validate(value, schema, where="body") -> list[str]:
    schema = deref(schema)
    if value is None:
        return [] if schema.get("nullable") else [f"{where}: null not allowed"]
    if "oneOf" in schema:
        matches = [s for s in schema["oneOf"] if not validate(value, s, where)]
        return [] if len(matches) == 1 else [f"{where}: matches {len(matches)} of oneOf"]
    kind = schema.get("type")
    if kind:
        expected = TYPES[kind]
        if not isinstance(value, expected) or (kind == "integer" and isinstance(value, bool)):
            return [f"{where}: {value!r} is not {kind}"]
    problems = []
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{where}: {value!r} not in {schema['enum']}")
    if "minimum" in schema and value < schema["minimum"]:
        problems.append(f"{where}: {value} < {schema['minimum']}")
    if "maximum" in schema and value > schema["maximum"]:
        problems.append(f"{where}: {value} > {schema['maximum']}")
    if "pattern" in schema and not re.search(schema["pattern"], value):
        problems.append(f"{where}: {value!r} does not match {schema['pattern']}")
    if kind == "object":
        for name in schema.get("required", []):
            if name not in value:
                problems.append(f"{where}: missing {name}")
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                problems += validate(value[name], sub, f"{where}.{name}")
    if kind == "array":
        if len(value) < schema.get("minItems", 0) or len(value) > schema.get("maxItems", 10**9):
            problems.append(f"{where}: {len(value)} items")
        for i, item in enumerate(value):
            problems += validate(item, schema["items"], f"{where}[{i}]")
    return problems


def test_the_validator_catches_a_wrong_body():
    """The control: the validator is not a rubber stamp."""
    schema = SPEC["components"]["schemas"]["Monthly"]
    good = {"year": 1397, "level": "country", "rows": [
        {"month": m, "jobs": 1, "loans_count": 0, "loans_amount_rial": 0, "cumulative_jobs": m}
        for m in range(1, 13)
    ]}  # fmt: skip
    assert validate(good, schema) == []
    assert validate({**good, "rows": good["rows"][:11]}, schema)
    assert validate({**good, "level": "planet"}, schema)
    assert validate({**good, "year": "1397"}, schema)
    bad_row = {**good["rows"][0], "jobs": None}
    assert validate({**good, "rows": [bad_row, *good["rows"][1:]]}, schema)


# --- the data and the people ------------------------------------------------------------------


@pytest.fixture
def world(admin_user):
    zanjan, tehran = Province.objects.get(code="IR-19"), Province.objects.get(code="IR-23")
    office = CountyOffice.objects.get(province=zanjan, name="زنجان")
    apply_values(
        values=[FigureValue(office.pk, 1397, m, "trainees", 10 * m) for m in range(1, 13)],
        by=admin_user,
    )
    apply_targets(values=[TargetValue(1397, zanjan.pk, "jobs", 4000)], by=admin_user)

    def make(name, role, province=None, **extra):
        return User.objects.create_user(
            username=name, password="x-long-pass-1", role=role, province=province, **extra
        )

    people = {
        "anonymous": None,
        "zanjan_staff": make("f_zs", "staff", zanjan),
        "tehran_staff": make("f_ts", "staff", tehran),
        "zanjan_manager": make("f_zm", "manager", zanjan),
        "national_manager": make("f_nm", "manager"),
        "admin": admin_user,
        "inactive": make("f_in", "staff", zanjan, is_active=False),
    }
    return people


# --- what to send -----------------------------------------------------------------------------

PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
NASTY = ["", " ", "0", "-1", "1e3", "1403.0", "1403.5", "١٤٠٣x", "' OR '1'='1", "<script>x</script>",
         "%00", "IR-19'--", "\u200f1403", "NaN", "9" * 400, "۹" * 5000, "\x00", "1403\n1404"]  # fmt: skip

years = st.one_of(
    st.integers(min_value=1300, max_value=1500).map(str),
    st.integers(min_value=1300, max_value=1500).map(lambda y: str(y).translate(PERSIAN)),
    st.integers(min_value=1300, max_value=1500).map(lambda y: str(y).translate(ARABIC)),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(NASTY),
    st.text(max_size=30),
)
provinces = st.one_of(
    st.integers(min_value=0, max_value=40).map(lambda n: f"IR-{n:02d}"),
    st.integers(min_value=0, max_value=40).map(lambda n: f"ir-{n}"),
    st.sampled_from(["زنجان", "تهران", "زنجان ", "زنـجان", "اصفهان", "IR-19", "IR-23", "19", "۲۳"]),
    st.sampled_from(NASTY),
    st.text(max_size=30),
)
queries = st.fixed_dictionaries(
    {}, optional={"year": years, "province": provinces}
)  # a parameter may be absent
roles = st.sampled_from(
    ["anonymous", "zanjan_staff", "tehran_staff", "zanjan_manager", "national_manager", "admin",
     "inactive"]
)  # fmt: skip


def _year_ok(text) -> bool:
    if text is None or text == "":
        return True  # absent or empty: the current year
    try:
        return 1300 <= parse_int(text) <= 1500
    except NumberError:
        return False


def _expected_status(user, query) -> int:
    if any("\x00" in value for value in query.values()):
        return 400  # refused before anything else (reliefjobs.security.RejectNulBytesMiddleware)
    if user is None or not user.is_active:
        return 401
    if not _year_ok(query.get("year")):
        return 400
    if "province" in query:
        code = query["province"]
        found = Province.objects.by_identifier(code) if code.strip() else None
        if found is None:
            return 400
        if user.province_id not in (None, found.pk) and not user.is_superuser:
            return 403
    return 200


@pytest.mark.parametrize("operation", ["progress", "monthly"])
def test_api_answers_match_the_openapi_description(client, world, operation):
    path = f"/api/v1/{operation}"
    spec = SPEC["paths"][path]["get"]
    documented = {int(code) for code in spec["responses"]}

    @FUZZ
    @given(role=roles, query=queries)
    def check(role, query):
        user = world[role]
        client.logout()
        if user is not None:
            client.force_login(user)  # an inactive account's session is not honoured
        response = client.get(path + "?" + urlencode(query))
        STATS["cases"] += 1
        STATS["statuses"][response.status_code] = STATS["statuses"].get(response.status_code, 0) + 1
        assert response.status_code in documented, (query, response.status_code)
        assert response.status_code == _expected_status(user, query), (role, query)
        schema = deref(spec["responses"][str(response.status_code)])
        schema = schema.get("content", {}).get("application/json", {}).get("schema")
        assert response["Content-Type"].startswith("application/json")
        problems = validate(response.json(), schema)
        assert not problems, problems[:5]
        body = response.json()
        country = response.status_code == 200 and body["level"] == "country"
        if country and user.province_id and operation == "progress":
            assert [row["code"] for row in body["rows"]] == [user.province.code]

    check()


def test_fuzz_count_is_reported(capsys):
    """Not a rule: prints how many fuzz cases ran (for the report)."""
    with capsys.disabled():
        print(
            f"\nAPI fuzz: {STATS['cases']} cases, statuses {dict(sorted(STATS['statuses'].items()))}"
        )
    assert STATS["cases"] == 0 or STATS["cases"] >= EXAMPLES
