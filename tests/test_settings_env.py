"""Settings read from the environment through small typed helpers (reliefjobs.env).

Rules checked:
- a missing variable gives the default;
- booleans accept 1/0, true/false, yes/no, on/off (any case); anything else
  fails loudly (ImproperlyConfigured naming the variable);
- whole numbers: a bad value fails loudly, an empty one gives the default;
- lists are comma-separated, blanks dropped.
"""

import pytest
from django.core.exceptions import ImproperlyConfigured

from reliefjobs.env import env_bool, env_int, env_list, env_str


def test_missing_variables_give_defaults(monkeypatch):
    monkeypatch.delenv("RJ_TEST_VAR", raising=False)
    assert env_str("RJ_TEST_VAR", "x") == "x"
    assert env_bool("RJ_TEST_VAR", default=True) is True
    assert env_int("RJ_TEST_VAR", 7) == 7
    assert env_list("RJ_TEST_VAR", ["a"]) == ["a"]


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1", True),
        ("TRUE", True),
        ("yes", True),
        ("on", True),
        ("0", False),
        ("false", False),
        ("No", False),
        ("", False),
    ],
)
def test_booleans(monkeypatch, raw, value):
    monkeypatch.setenv("RJ_TEST_VAR", raw)
    assert env_bool("RJ_TEST_VAR", default=not value) is value


@pytest.mark.parametrize("raw", ["2", "maybe", "enabled"])
def test_bad_boolean_fails_loudly(monkeypatch, raw):
    monkeypatch.setenv("RJ_TEST_VAR", raw)
    with pytest.raises(ImproperlyConfigured, match="RJ_TEST_VAR"):
        env_bool("RJ_TEST_VAR", default=False)


def test_whole_numbers(monkeypatch):
    monkeypatch.setenv("RJ_TEST_VAR", " 42 ")
    assert env_int("RJ_TEST_VAR", 1) == 42
    monkeypatch.setenv("RJ_TEST_VAR", "")
    assert env_int("RJ_TEST_VAR", 1) == 1


@pytest.mark.parametrize("raw", ["sixty", "1.5", "10s"])
def test_bad_whole_number_fails_loudly(monkeypatch, raw):
    monkeypatch.setenv("RJ_TEST_VAR", raw)
    with pytest.raises(ImproperlyConfigured, match="RJ_TEST_VAR"):
        env_int("RJ_TEST_VAR", 1)


def test_lists_are_comma_separated(monkeypatch):
    monkeypatch.setenv("RJ_TEST_VAR", "example.org, www.example.org,,")
    assert env_list("RJ_TEST_VAR") == ["example.org", "www.example.org"]
