"""`doctor check-env` end to end: exit codes, options, config, and a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from tests.checkenv.conftest import REPO, cli, run_doctor
from tests.checkenv.test_formats import SCHEMA


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def work(kb: Path) -> Path:
    return Path.cwd()  # the kb fixture chdirs into an empty work folder


def test_clean_environment_exits_0(work: Path) -> None:
    req = write(work / "requirements.txt", "uvicorn==0.30.0\nh11==0.14.0\n")
    result = cli("check-env", "-r", str(req))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("OK: no known failure reached\n")
    assert "OK: 4 KB entries checked" in result.stdout.splitlines()[-1]
    # entries no release fixes are one line, not findings
    assert "2 more entries concern code or setup, not a version" in result.stdout
    assert "main-guard" not in result.stdout


def test_nothing_to_check_exits_4(work: Path) -> None:
    """A gate that cannot see uvicorn says so and does not pass (issue 12)."""
    cases = {
        "requirements.txt": "flask==3.0.0\n",
        "passwd.txt": "root:x:0:0:root:/root:/bin/bash\n",
        "empty.txt": "",
    }
    for name, text in cases.items():
        result = cli("check-env", "-r", str(write(work / name, text)))
        assert result.exit_code == 4, (name, result.stdout)
        assert result.stdout.startswith(f"NOT CHECKED: no uvicorn version in {work / name}")
    lock = write(work / "uv.lock", "")
    assert cli("check-env", "--lock", str(lock)).exit_code == 4


def test_affected_version_exits_1_and_names_everything(work: Path) -> None:
    req = write(work / "requirements.txt", "h11==0.14.0\nuvicorn==0.7.0\n")
    result = cli("check-env", "-r", str(req), "--format", "json")
    assert result.exit_code == 1
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["id"] == "ssl-reload"
    assert (finding["package"], finding["version"], finding["fixed_in"]) == (
        "uvicorn",
        "0.7.0",
        "0.8.1",
    )
    assert finding["fix"] == "Upgrade to uvicorn 0.8.1 or later"
    assert finding["location"] == {"path": str(req), "line": 2, "column": None}


def test_fail_on_option_and_config(work: Path) -> None:
    req = write(work / "requirements.txt", "uvicorn==0.10.3\n")  # minor-log: low
    assert cli("check-env", "-r", str(req)).exit_code == 0
    assert cli("check-env", "-r", str(req), "--fail-on", "low").exit_code == 1
    write(work / "pyproject.toml", '[tool.doctor]\nfail-on = "low"\n')
    assert cli("check-env", "-r", str(req)).exit_code == 1
    assert cli("check-env", "-r", str(req), "--fail-on", "high").exit_code == 0


def test_platform_and_python_version_overrides(work: Path) -> None:
    req = write(
        work / "requirements.txt",
        "uvicorn==0.12.0\nh11==0.7.0; python_version < '3.9'\n",
    )
    linux = json.loads(
        cli(
            "check-env",
            "-r",
            str(req),
            "--platform",
            "linux",
            "--python-version",
            "3.12",
            "--format",
            "json",
        ).stdout
    )
    assert linux["findings"] == []
    assert linux["context"]["python_full_version"] == "3.12.0"
    windows = cli(
        "check-env",
        "-r",
        str(req),
        "--platform",
        "win32",
        "--python-version",
        "3.8.10",
        "--format",
        "json",
    )
    assert windows.exit_code == 1
    found = {f["id"] for f in json.loads(windows.stdout)["findings"]}
    assert found == {"win-reload", "h11-old"}


def test_lock_file_and_stdin_sources_combine(work: Path) -> None:
    lock = write(work / "uv.lock", 'version = 1\n\n[[package]]\nname = "h11"\nversion = "0.7.0"\n')
    result = cli(
        "check-env", "--lock", str(lock), "-r", "-", "--format", "json", stdin="uvicorn==0.7.0\n"
    )
    data = json.loads(result.stdout)
    assert {(f["id"], f["location"]["path"], f["location"]["line"]) for f in data["findings"]} == {
        ("h11-old", str(lock), 4),
        ("ssl-reload", "<stdin>", 1),
    }
    assert data["sources"] == ["<stdin>", f"{lock} (uv.lock)"]


def test_unpinned_is_reported_not_failed(work: Path) -> None:
    req = write(work / "requirements.txt", "uvicorn>=0.5\n")
    result = cli("check-env", "-r", str(req), "--format", "json")
    assert result.exit_code == 4  # the version it checks cannot be decided: nothing checked
    data = json.loads(result.stdout)
    (item,) = data["unevaluated"]
    assert item["subject"] == "uvicorn" and item["reason"] == "not pinned (>=0.5)"
    assert data["nothing_checked"].endswith("requirements.txt:1: not pinned (>=0.5))")


def test_ignores_from_cli_and_pyproject(work: Path) -> None:
    req = write(work / "requirements.txt", "uvicorn==0.7.0\nh11==0.7.0\n")
    write(
        work / "pyproject.toml",
        "[tool.doctor]\nignore = [\n"
        '  {id = "h11-old", reason = "vendored, patched", expires = 2999-01-01},\n]\n',
    )
    result = cli(
        "check-env", "-r", str(req), "--ignore", "ssl-reload=TLS ends at nginx", "--format", "json"
    )
    assert result.exit_code == 0, result.stdout
    data = json.loads(result.stdout)
    assert {(i["ignore"]["id"], i["ignore"]["origin"]) for i in data["ignored"]} == {
        ("ssl-reload", "--ignore"),
        ("h11-old", "pyproject.toml:3"),
    }


def test_expired_ignore_stops_applying_loudly(work: Path) -> None:
    req = write(work / "requirements.txt", "h11==0.7.0\nuvicorn==0.30.0\n")
    config = write(
        work / "custom.toml",
        '[tool.doctor]\nignore = [{id = "h11-old", reason = "was fine", expires = 2020-01-01}]\n',
    )
    result = cli("check-env", "-r", str(req), "--config", str(config))
    assert result.exit_code == 1
    assert "EXPIRED IGNORE: h11-old expired on 2020-01-01" in result.stdout
    assert "the ignore for h11-old" in result.stderr and "expired on 2020-01-01" in result.stderr


@pytest.mark.parametrize(
    ("args", "files", "message"),
    [
        (
            ["-r", "bad.txt"],
            {"bad.txt": "uvicorn==0.7.0\nuvicorn=0.7\n"},
            "bad.txt:2: invalid requirement",
        ),
        (["-r", "missing.txt"], {}, "missing.txt: cannot read"),
        (
            ["--lock", "uv.lock"],
            {"uv.lock": "version = 1\n[[package]\n"},
            "uv.lock:2: invalid TOML",
        ),
        (["--python", "no/such/python"], {}, "--python no/such/python: no such file"),
        (["--ignore", "ssl-reload"], {}, "a reason is required"),
        (["--python-version", "three"], {}, "--python-version 'three'"),
        (["--config", "nope.toml"], {}, "--config nope.toml: no such file"),
        ([], {"pyproject.toml": '[tool.doctor]\nignore = [{id = "x"}]\n'}, "reason is required"),
    ],
)
def test_bad_input_exits_2(
    work: Path, args: list[str], files: dict[str, str], message: str
) -> None:
    for name, text in files.items():
        write(work / name, text)
    result = cli("check-env", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_unknown_format_is_a_usage_error(work: Path) -> None:
    assert cli("check-env", "--format", "yaml").exit_code == 2


def test_default_source_is_this_interpreter(work: Path) -> None:
    data = json.loads(cli("check-env", "--format", "json").stdout)
    assert data["sources"] == [f"installed ({sys.executable})"]


def test_real_subprocess(work: Path) -> None:
    """The real entry point: exit codes, stdout JSON valid against the schema, stderr errors."""
    write(work / "requirements.txt", "uvicorn==0.7.0\n")
    result = run_doctor("check-env", "-r", "requirements.txt", "--format", "json", cwd=work)
    assert result.exit_code == 1, result.stderr
    data = json.loads(result.stdout)
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    assert [f["id"] for f in data["findings"]] == ["ssl-reload"]
    bad = write(work / "bad.txt", "uvicorn==\n")
    result = run_doctor("check-env", "-r", str(bad), cwd=work)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"doctor: error: {bad}:1: invalid requirement")
    assert "Traceback" not in result.stderr


def test_json_path_never_imports_rich(work: Path) -> None:
    write(work / "requirements.txt", "uvicorn==0.7.0\n")
    code = (
        "import sys\n"
        "sys.argv = ['doctor', 'check-env', '-r', 'requirements.txt', '--format', 'json']\n"
        "from troubleshoot.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write('HEAVY=' + ','.join(m for m in ('rich', 'sqlite_utils') "
        "if m in sys.modules))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for _ in range(2):  # the first run compiles the KB cache (sqlite-utils); the second reads it
        proc = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            cwd=work,
            env=env,
            timeout=120,
            check=False,
        )
    assert proc.stderr.rstrip().endswith("HEAVY="), proc.stderr
