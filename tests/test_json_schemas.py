"""Every `--format json` / `--json` output validates against its schema in docs/schemas/.

The outputs come from the real CLI over the real KB, validated with `jsonschema`
(a test dependency). A command that fails to import fails its test: it is the
very regression these tests guard.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
SCHEMAS = REPO / "docs" / "schemas"
PASTES = REPO / "tests" / "corpus" / "pastes"
BAD = REPO / "tests" / "scan" / "bad"


def validate(document: Any, name: str) -> None:
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(document)


def test_the_schemas_reject_what_they_should() -> None:
    schema = json.loads((SCHEMAS / "list.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    row = {"id": "a-b", "title": "t", "kind": "misuse", "severity": "low", "tags": []}
    row["fixed_in"] = None
    assert validator.is_valid([row])
    for bad in ([{"id": "x"}], [row | {"extra": 1}], [row | {"kind": "other"}]):
        assert not validator.is_valid(bad), bad
    assert not validator.is_valid([row | {"id": "Not A Slug"}])


@pytest.fixture(autouse=True)
def _real_kb(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCTOR_KB_DIR", str(REPO / "kb"))
    monkeypatch.setenv("DOCTOR_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "schemas-cache"))


def run(*args: str) -> tuple[int, Any]:
    from troubleshoot.cli import app

    result = CliRunner().invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, json.loads(result.stdout)


def test_every_json_output_has_a_schema() -> None:
    names = {p.name.removesuffix(".schema.json") for p in SCHEMAS.glob("*.schema.json")}
    assert names >= {"paste", "check-env", "scan", "show", "list", "search"}


def test_scan_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD)
    code, document = run("scan", ".", "--uvicorn-version", "0.54.0", "--format", "json")
    assert code == 1 and document["findings"] and document["ignored"]
    validate(document, "scan")
    code, document = run("scan", ".", "--format", "json")  # no uvicorn version: not evaluated
    assert document["unevaluated"]
    validate(document, "scan")


def test_check_env_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "requirements.txt").write_text("uvicorn==0.7.3\nh11==0.8.1\n")
    code, document = run("check-env", "-r", "requirements.txt", "--format", "json")
    assert code == 1 and document["findings"]
    validate(document, "check-env")


def test_list_search_show_json() -> None:
    code, rows = run("list", "--json")
    assert code == 0 and len(rows) >= 10
    validate(rows, "list")
    code, hits = run("search", "reload", "--json")
    assert code == 0 and hits
    validate(hits, "search")
    for row in rows:
        code, entry = run("show", row["id"], "--json")
        assert code == 0
        validate(entry, "show")


@pytest.mark.parametrize(
    "paste", sorted(PASTES.glob("*/*.txt"))[:6], ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_paste_traceback_json(paste: Path) -> None:
    code, document = run("paste-traceback", "--json", "--no-env", str(paste))
    assert code == 0 and document["matches"]
    validate(document, "paste")


def test_paste_traceback_json_without_match(tmp_path: Path) -> None:
    paste = tmp_path / "p.txt"
    paste.write_text("nothing to see here\n")
    code, document = run("paste-traceback", "--json", "--no-env", str(paste))
    assert code == 1 and document["matches"] == []
    validate(document, "paste")
