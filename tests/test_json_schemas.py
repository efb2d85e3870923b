"""Every `--format json` / `--json` output validates against its schema in docs/schemas/.

The outputs come from the real CLI over the real KB. Validation is a small
structural validator (the subset of JSON Schema 2020-12 the schemas use); when
the `jsonschema` package is importable the documents are also checked with it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
SCHEMAS = REPO / "docs" / "schemas"
PASTES = REPO / "tests" / "corpus" / "pastes"
BAD = REPO / "tests" / "scan" / "bad"

_TYPES: dict[str, Any] = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "null": type(None),
    "number": (int, float),
    "integer": int,
}


def _is(value: Any, name: str) -> bool:
    if name in ("number", "integer") and isinstance(value, bool):
        return False
    return isinstance(value, _TYPES[name])


def check(value: Any, schema: dict[str, Any], root: dict[str, Any], at: str = "$") -> list[str]:
    """Problems of ``value`` against ``schema`` (empty when valid)."""
    if "$ref" in schema:
        target: Any = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return check(value, target, root, at)
    errors: list[str] = []
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is(value, n) for n in names):
            return [f"{at}: expected {names}, got {type(value).__name__}"]
    if "const" in schema and value != schema["const"]:
        errors.append(f"{at}: expected {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{at}: {value!r} not in {schema['enum']}")
    for key in ("oneOf", "anyOf"):
        if key in schema:
            passing = [s for s in schema[key] if not check(value, s, root, at)]
            if not passing or (key == "oneOf" and len(passing) > 1):
                errors.append(f"{at}: {key} failed")
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            errors.append(f"{at}: shorter than {schema['minLength']}")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{at}: {value!r} does not match {schema['pattern']}")
    if _is(value, "number"):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{at}: below {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{at}: above {schema['maximum']}")
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            errors.append(f"{at}: not above {schema['exclusiveMinimum']}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0) or len(value) > schema.get("maxItems", 1e9):
            errors.append(f"{at}: {len(value)} items out of bounds")
        if "items" in schema:
            for index, item in enumerate(value):
                errors += check(item, schema["items"], root, f"{at}[{index}]")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        errors += [f"{at}: missing {k!r}" for k in schema.get("required", []) if k not in value]
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if key in props:
                errors += check(item, props[key], root, f"{at}.{key}")
            elif extra is False:
                errors.append(f"{at}: unexpected {key!r}")
            elif isinstance(extra, dict):
                errors += check(item, extra, root, f"{at}.{key}")
    return errors


def validate(document: Any, name: str) -> None:
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    problems = check(document, schema, schema)
    assert problems == [], "\n".join(problems[:20])
    try:
        import jsonschema
    except ImportError:
        return
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(document)


def test_the_validator_rejects_what_it_should() -> None:
    schema = json.loads((SCHEMAS / "list.schema.json").read_text())
    assert check([{"id": "x"}], schema, schema)  # missing fields
    row = {"id": "a-b", "title": "t", "kind": "misuse", "severity": "low", "tags": []}
    row["fixed_in"] = None
    assert check([row], schema, schema) == []
    assert check([row | {"extra": 1}], schema, schema)
    assert check([row | {"kind": "other"}], schema, schema)
    assert check([row | {"id": "Not A Slug"}], schema, schema)


@pytest.fixture(autouse=True)
def _real_kb(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCTOR_KB_DIR", str(REPO / "kb"))
    monkeypatch.setenv("DOCTOR_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "schemas-cache"))


def run(*args: str) -> tuple[int, Any]:
    from troubleshoot.cli import app

    result = CliRunner().invoke(app, list(args))
    if isinstance(result.exception, ImportError):
        pytest.skip(f"this checkout cannot run `doctor {args[0]}`: {result.exception}")
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
