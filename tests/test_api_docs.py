"""docs/api.md stays true: its examples are the demo's answers, and its curl recipe logs in.

Rules checked:
- every JSON example in docs/api.md (each follows a `<!-- example: URL | KEY in
  A, B -->` marker) is exactly what the API answers on the demo data
  (`load_demo` standing on 1405/09/11), the rows cut to the ones the marker
  names; `REGENERATE_API_DOCS=1` rewrites them instead of comparing;
- the curl recipe in docs/api.md, run as written against a live server, logs
  in (the login page carries two CSRF tokens: the recipe reads the cookie) and
  fetches a progress answer.
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

DOC = Path(__file__).parents[1] / "docs" / "api.md"
MARKER = re.compile(
    r"(<!-- example: (?P<url>\S+) \| (?P<key>\w+) in (?P<keep>[^>]*?) -->\n```json\n)"
    r"(?P<body>(?:(?!```).)*)(?P<end>```)",
    re.S,
)


def _value(text: str):
    text = text.strip()
    return int(text) if text.isdigit() else text


def _render(answer: dict, key: str, keep: list) -> str:
    answer = {**answer, "rows": [r for r in answer["rows"] if r[key] in keep]}
    return json.dumps(answer, ensure_ascii=False, indent=2)


@pytest.mark.django_db
def test_api_examples_are_the_demo_answers(client, national_manager):
    from django.core.cache import cache
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)
    cache.clear()
    client.force_login(national_manager)
    text = DOC.read_text("utf-8")
    found = list(MARKER.finditer(text))
    assert len(found) >= 3

    def answer(match):
        keep = [_value(v) for v in match["keep"].split(",")]
        response = client.get(match["url"])
        assert response.status_code == 200, match["url"]
        return _render(response.json(), match["key"], keep) + "\n"

    if os.environ.get("REGENERATE_API_DOCS"):
        DOC.write_text(
            MARKER.sub(lambda m: m.group(1) + answer(m) + m["end"], text), encoding="utf-8"
        )
        return
    for match in found:
        assert match["body"] == answer(match), (
            f"docs/api.md example {match['url']} differs from the demo; "
            "run REGENERATE_API_DOCS=1 pytest tests/test_api_docs.py"
        )


def _curl_recipe() -> str:
    text = DOC.read_text("utf-8")
    section = text.split("## Example with curl", 1)[1]
    return re.search(r"```sh\n(.*?)```", section, re.S).group(1)


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")
def test_the_curl_recipe_logs_in_and_reads_the_api(live_server, tmp_path):
    from programs.models import Province, User

    User.objects.create_user(
        username="docs_reader",
        password="docs-pass-123",
        role="manager",
        province=Province.objects.get(code="IR-19"),
    )
    script = (
        _curl_recipe()
        .replace("http://127.0.0.1:8000", live_server.url)
        .replace("NAME", "docs_reader")
        .replace("PASSWORD", "docs-pass-123")
    )
    result = subprocess.run(
        ["bash", "-e", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "302"  # the login answered with a redirect: logged in
    body = json.loads(lines[-1])
    assert body["year"] == 1397 and body["province"]["code"] == "IR-19"
