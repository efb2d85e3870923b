"""The composite action (action.yml), run step by step in a simulated GitHub runner.

The simulation does what the runner does for a composite action, and no more:

- the `${{ }}` expressions and `if:` conditions are evaluated by a small evaluator that
  knows exactly the forms the action uses (`inputs.*`, `github.action_path`,
  `github.workspace`, `runner.temp`, `steps.ID.outputs.*`, `steps.ID.outcome` /
  `conclusion`, `always()` / `success()` / `failure()`, string literals, `==`, `!=`, `!`,
  `&&`, `||`, parentheses) and raises on anything else, so a new form cannot pass unseen;
  an `if:` without a status function gets the runner's implicit `success() &&`;
- each `run:` is written to a file under RUNNER_TEMP and run as
  `bash --noprofile --norc -eo pipefail FILE` in GITHUB_WORKSPACE, with GITHUB_WORKSPACE,
  RUNNER_TEMP, GITHUB_ACTION_PATH and a fresh GITHUB_OUTPUT / GITHUB_STEP_SUMMARY /
  GITHUB_ENV / GITHUB_PATH file per step (read back afterwards, `name=value` and
  `name<<DELIMITER` forms);
- `uses:` steps (github/codeql-action/upload-sarif) are not run: their `with:` is recorded
  and the SARIF file it names is checked (exists, JSON, has runs with results); a scenario
  can make the upload fail, as it does where code scanning is not available;
- `continue-on-error` turns a failed step's conclusion into success; a failed step fails
  the job.

The project is a virtual environment holding uvicorn 0.10.3 with its old h11 and click
(Python 3.8 when one is found, as the harness finds it), first on PATH as after
actions/setup-python or an activated venv. The tool is installed by the action itself, from
a wheel built once from this tree.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from markdown_it import MarkdownIt

from tests.conftest import REPO
from tests.procs import run_group

ACTION = REPO / "action.yml"
UPLOAD_SARIF = "github/codeql-action/upload-sarif@v3"
BROKEN = ("uvicorn==0.10.3", "click==7.1.2", "h11==0.8.1")  # the harness's recipe for <0.12
FIXED = ("uvicorn==0.54.0",)
STEP_TIMEOUT = 600.0

BAD_APP = """\
import uvicorn


async def app(scope, receive, send):
    pass


if __name__ == "__main__":
    uvicorn.run(app, reload=True)
"""
GOOD_APP = 'import uvicorn\n\nif __name__ == "__main__":\n    uvicorn.run("app:app", port=8000)\n'


# --------------------------------------------------------------------------- expressions


class UnsupportedExpression(AssertionError):
    """An expression form the evaluator does not know: extend it, do not ignore it."""


Value = str | bool | None

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<str>'(?:[^']|'')*')
    | (?P<op>&&|\|\||==|!=|!|\(|\))
    | (?P<func>(?:always|success|failure)\(\))
    | (?P<ref>[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)+)
    )\s*""",
    re.X,
)
_STATUS_FUNCTIONS = ("always()", "success()", "failure()")


def _tokens(expr: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(expr):
        m = _TOKEN.match(expr, pos)
        if m is None or m.end() == pos:
            raise UnsupportedExpression(f"cannot read {expr[pos:]!r} in {expr!r}")
        kind = m.lastgroup
        assert kind is not None
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def _number(value: Value) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    text = value.strip()
    if not text:
        return 0.0
    try:
        return float(text)
    except ValueError:
        return float("nan")


def _equal(a: Value, b: Value) -> bool:
    """GitHub's ==: strings compare ignoring case; mixed types compare as numbers."""
    if isinstance(a, str) and isinstance(b, str):
        return a.casefold() == b.casefold()
    if type(a) is type(b):
        return a == b
    return _number(a) == _number(b)  # NaN never equals


def _truthy(value: Value) -> bool:
    return bool(value)


def to_string(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


class Evaluator:
    """Parses and evaluates one expression against `resolve` (a context lookup)."""

    def __init__(
        self, expr: str, resolve: Callable[[str], Value], status: Callable[[str], bool]
    ) -> None:
        self.expr = expr
        self.toks = _tokens(expr)
        self.pos = 0
        self.resolve = resolve
        self.status = status

    def value(self) -> Value:
        result = self._or()
        if self.pos != len(self.toks):
            raise UnsupportedExpression(f"unexpected {self.toks[self.pos][1]!r} in {self.expr!r}")
        return result

    def _peek(self) -> str | None:
        return self.toks[self.pos][1] if self.pos < len(self.toks) else None

    def _take(self) -> tuple[str, str]:
        if self.pos >= len(self.toks):
            raise UnsupportedExpression(f"unexpected end of {self.expr!r}")
        tok = self.toks[self.pos]
        self.pos += 1
        return tok

    def _or(self) -> Value:
        left = self._and()
        while self._peek() == "||":
            self._take()
            right = self._and()
            left = left if _truthy(left) else right
        return left

    def _and(self) -> Value:
        left = self._compare()
        while self._peek() == "&&":
            self._take()
            right = self._compare()
            left = right if _truthy(left) else left
        return left

    def _compare(self) -> Value:
        left = self._unary()
        if self._peek() in ("==", "!="):
            op = self._take()[1]
            right = self._unary()
            same = _equal(left, right)
            return same if op == "==" else not same
        return left

    def _unary(self) -> Value:
        if self._peek() == "!":
            self._take()
            return not _truthy(self._unary())
        return self._primary()

    def _primary(self) -> Value:
        kind, text = self._take()
        if kind == "op" and text == "(":
            inner = self._or()
            if self._take()[1] != ")":
                raise UnsupportedExpression(f"missing ')' in {self.expr!r}")
            return inner
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if kind == "func":
            return self.status(text)
        if kind == "ref":
            return self.resolve(text)
        raise UnsupportedExpression(f"unexpected {text!r} in {self.expr!r}")


_EMBEDDED = re.compile(r"\$\{\{(.*?)\}\}", re.S)


# --------------------------------------------------------------------------- the runner


@dataclass
class StepRecord:
    key: str
    name: str
    outcome: str  # success, failure, skipped
    conclusion: str
    outputs: dict[str, str] = field(default_factory=dict)
    log: str = ""
    returncode: int | None = None
    uses: str | None = None
    with_: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    env_file: str = ""
    path_file: str = ""


@dataclass
class RunResult:
    steps: dict[str, StepRecord]
    outputs: dict[str, str]
    job_failed: bool

    @property
    def log(self) -> str:
        return "\n".join(s.log for s in self.steps.values())

    @property
    def summary(self) -> str:
        return "".join(s.summary for s in self.steps.values())

    def annotations(self) -> list[tuple[str, str, str]]:
        """(level, properties, message) of every ::error/::warning/::notice line."""
        found = re.findall(r"^::(error|warning|notice)( [^:]*)?::(.*)$", self.log, re.M)
        return [(level, props.strip(), message) for level, props, message in found]

    def uploads(self) -> list[StepRecord]:
        return [s for s in self.steps.values() if s.uses and s.outcome != "skipped"]


def _parse_file_command(text: str, what: str) -> dict[str, str]:
    """The runner's GITHUB_OUTPUT format: `name=value` or `name<<DELIM` ... `DELIM`."""
    out: dict[str, str] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            body: list[str] = []
            while i < len(lines) and lines[i] != delim:
                body.append(lines[i])
                i += 1
            assert i < len(lines), f"{what}: unterminated {delim!r} block for {name!r}"
            i += 1
            out[name] = "\n".join(body)
        else:
            assert "=" in line, f"{what}: malformed line {line!r}"
            name, value = line.split("=", 1)
            out[name] = value
    return out


Uploader = Callable[[StepRecord, Path], bool]


def check_sarif_upload(record: StepRecord, workspace: Path) -> bool:
    """What upload-sarif needs: a SARIF file at `sarif_file`, with runs and results lists."""
    assert set(record.with_) <= {"sarif_file", "category"}, record.with_
    path = Path(record.with_["sarif_file"])
    path = path if path.is_absolute() else workspace / path
    assert path.is_file(), f"{record.key}: sarif_file {path} does not exist"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == "2.1.0"
    assert data["runs"] and all(isinstance(run["results"], list) for run in data["runs"])
    return True


class Runner:
    def __init__(
        self,
        *,
        action_path: Path,
        workspace: Path,
        temp: Path,
        env: dict[str, str],
        inputs: dict[str, str],
        uploader: Uploader = check_sarif_upload,
    ) -> None:
        self.action = yaml.safe_load((action_path / "action.yml").read_text(encoding="utf-8"))
        assert self.action["runs"]["using"] == "composite"
        self.action_path = action_path
        self.workspace = workspace
        self.temp = temp
        self.env = env
        declared = self.action.get("inputs") or {}
        unknown = set(inputs) - set(declared)
        assert not unknown, f"inputs the action does not declare: {unknown}"
        self.inputs = {k: str(v.get("default", "")) for k, v in declared.items()}
        self.inputs.update(inputs)
        self.uploader = uploader
        self.steps = self.action["runs"]["steps"]
        self.ids = {s["id"] for s in self.steps if "id" in s}
        self.done: dict[str, StepRecord] = {}
        self.failed = False

    # -- expressions

    def resolve(self, ref: str) -> Value:
        parts = ref.split(".")
        match parts:
            case ["inputs", name]:
                if name not in self.inputs:
                    raise UnsupportedExpression(f"{ref}: no such input in action.yml")
                return self.inputs[name]
            case ["github", "action_path"]:
                return str(self.action_path)
            case ["github", "workspace"]:
                return str(self.workspace)
            case ["runner", "temp"]:
                return str(self.temp)
            case ["steps", sid, *rest]:
                if sid not in self.ids:
                    raise UnsupportedExpression(f"{ref}: no step with id {sid!r}")
                record = self.done.get(sid)
                match rest:
                    case ["outputs", name]:
                        return record.outputs.get(name) if record else None
                    case ["outcome"]:
                        return record.outcome if record else None
                    case ["conclusion"]:
                        return record.conclusion if record else None
        raise UnsupportedExpression(f"{ref}: not a context this simulation provides")

    def status(self, func: str) -> bool:
        return {"always()": True, "success()": not self.failed, "failure()": self.failed}[func]

    def evaluate(self, expr: str) -> Value:
        return Evaluator(expr, self.resolve, self.status).value()

    def expand(self, text: Any) -> str:
        if isinstance(text, bool):
            return to_string(text)
        assert isinstance(text, str), text
        return _EMBEDDED.sub(lambda m: to_string(self.evaluate(m.group(1))), text)

    def condition(self, raw: Any) -> bool:
        if raw is None:
            return not self.failed  # no if: is success()
        expr = str(raw).strip()
        whole = re.fullmatch(r"\$\{\{(.*)\}\}", expr, re.S)
        if whole:
            expr = whole.group(1)
        if not any(name in expr for name in _STATUS_FUNCTIONS):
            expr = f"success() && ({expr})"
        return _truthy(self.evaluate(expr))

    # -- steps

    def run(self) -> RunResult:
        for n, step in enumerate(self.steps):
            allowed = {
                "name",
                "id",
                "if",
                "shell",
                "env",
                "run",
                "uses",
                "with",
                "continue-on-error",
            }
            assert set(step) <= allowed, (
                f"step {n}: keys this simulation does not model: {set(step) - allowed}"
            )
            key = step.get("id", step.get("name", str(n)))
            if not self.condition(step.get("if")):
                record = StepRecord(key, step.get("name", key), "skipped", "skipped")
            elif "uses" in step:
                record = self._uses(key, step)
            else:
                record = self._run(key, step, n)
            if record.outcome == "failure":
                continue_on_error = self.expand(step.get("continue-on-error", False)) == "true"
                record.conclusion = "success" if continue_on_error else "failure"
                if not continue_on_error:
                    self.failed = True
            self.done[key] = record
        outputs = {
            name: self.expand(spec["value"])
            for name, spec in (self.action.get("outputs") or {}).items()
        }
        return RunResult(dict(self.done), outputs, self.failed)

    def _uses(self, key: str, step: dict[str, Any]) -> StepRecord:
        with_ = {k: self.expand(v) for k, v in (step.get("with") or {}).items()}
        record = StepRecord(key, step["name"], "success", "success", uses=step["uses"], with_=with_)
        if not self.uploader(record, self.workspace):
            record.outcome = record.conclusion = "failure"
            record.log = f"::error::{step['uses']}: simulated failure (code scanning not available)"
        return record

    def _run(self, key: str, step: dict[str, Any], n: int) -> StepRecord:
        assert step.get("shell") == "bash", f"{key}: composite run steps need shell: bash"
        script = step["run"]
        assert "${{" not in script, f"{key}: expressions belong in env:, not in the script"
        commands = self.temp / "_runner_file_commands"
        commands.mkdir(parents=True, exist_ok=True)
        guid = uuid.uuid4().hex
        files = {
            "GITHUB_OUTPUT": commands / f"set_output_{guid}",
            "GITHUB_STEP_SUMMARY": commands / f"step_summary_{guid}",
            "GITHUB_ENV": commands / f"set_env_{guid}",
            "GITHUB_PATH": commands / f"add_path_{guid}",
            "GITHUB_STATE": commands / f"save_state_{guid}",
        }
        for path in files.values():
            path.write_text("", encoding="utf-8")
        script_file = self.temp / f"{guid}.sh"
        script_file.write_text(script, encoding="utf-8")
        env = {
            **self.env,
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "RUNNER_OS": "Linux",
            "RUNNER_TEMP": str(self.temp),
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_ACTION_PATH": str(self.action_path),
            **{name: str(path) for name, path in files.items()},
            **{name: self.expand(value) for name, value in (step.get("env") or {}).items()},
        }
        code, log = run_group(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script_file)],
            env=env,
            cwd=self.workspace,
            timeout=STEP_TIMEOUT,
        )
        outputs = _parse_file_command(files["GITHUB_OUTPUT"].read_text(encoding="utf-8"), key)
        summary = files["GITHUB_STEP_SUMMARY"].read_text(encoding="utf-8")
        assert len(summary.encode()) <= 1024 * 1024, f"{key}: a step summary over 1 MiB is dropped"
        outcome = "success" if code == 0 else "failure"
        return StepRecord(
            key,
            step.get("name", key),
            outcome,
            outcome,
            outputs=outputs,
            log=log,
            returncode=code,
            summary=summary,
            env_file=files["GITHUB_ENV"].read_text(encoding="utf-8"),
            path_file=files["GITHUB_PATH"].read_text(encoding="utf-8"),
        )


# --------------------------------------------------------------------------- static checks


def _action() -> dict[str, Any]:
    return yaml.safe_load(ACTION.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def _static_runner(tmp_path: Path) -> Runner:
    return Runner(action_path=REPO, workspace=tmp_path, temp=tmp_path, env={}, inputs={})


def test_every_expression_in_the_action_is_one_the_simulation_evaluates(tmp_path: Path) -> None:
    runner = _static_runner(tmp_path)
    action = _action()
    seen = 0
    for text in _strings(action):
        for m in _EMBEDDED.finditer(text):
            runner.evaluate(m.group(1))
            seen += 1
    for step in action["runs"]["steps"]:
        if "if" in step:
            runner.condition(step["if"])
            seen += 1
    assert seen > 20


@pytest.mark.parametrize(
    "expr",
    [
        "hashFiles('x')",
        "format('{0}', runner.temp)",
        "github.event.pull_request.head.repo.fork",
        "env.FOO",
        "inputs.no-such-input",
        "steps.no-such-step.outputs.x",
        "inputs.paths > 'a'",
        "cancelled()",
        "fromJSON(inputs.paths)",
    ],
)
def test_the_evaluator_rejects_forms_it_does_not_know(tmp_path: Path, expr: str) -> None:
    with pytest.raises(UnsupportedExpression):
        _static_runner(tmp_path).evaluate(expr)


def test_the_evaluator_follows_githubs_rules(tmp_path: Path) -> None:
    runner = _static_runner(tmp_path)
    assert runner.evaluate("inputs.upload-sarif == 'TRUE'") is True  # case-insensitive
    assert runner.evaluate("steps.check-env.outputs.sarif != ''") is False  # null == ''
    assert runner.evaluate("!(inputs.run-scan == 'true') || 'x'") == "x"
    assert runner.condition("inputs.run-scan == 'true'") is True
    runner.failed = True
    assert runner.condition("inputs.run-scan == 'true'") is False  # implicit success()
    assert runner.condition("always() && inputs.run-scan == 'true'") is True


def test_no_hashfiles_and_no_expressions_inside_scripts() -> None:
    # hashFiles() ignores files outside GITHUB_WORKSPACE: an upload guarded by it never ran.
    assert not [text for text in _strings(_action()) if "hashFiles" in text]
    for step in _action()["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step["name"]


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_the_scripts_pass_shellcheck(tmp_path: Path) -> None:
    for n, step in enumerate(_action()["runs"]["steps"]):
        if "run" not in step:
            continue
        script = tmp_path / f"step{n}.sh"
        script.write_text("#!/bin/bash\n" + step["run"], encoding="utf-8")
        code, out = run_group(
            ["shellcheck", "-s", "bash", str(script)],
            env=dict(os.environ),
            cwd=tmp_path,
            timeout=60,
        )
        assert code == 0, f"{step['name']}:\n{out}"


@pytest.mark.parametrize(
    "check_env, scan, failed, says",
    [
        ("0", "0", False, ""),
        ("", "0", False, ""),
        ("1", "0", True, "found problems"),
        ("0", "2", True, "could not run"),
        ("4", "", True, "nothing to check"),
        ("3", "0", True, "failed (exit 3)"),
    ],
)
def test_the_last_step_fails_the_job_on_1_2_and_4(
    tmp_path: Path, check_env: str, scan: str, failed: bool, says: str
) -> None:
    (step,) = [s for s in _action()["runs"]["steps"] if s["name"].startswith("Fail on")]
    assert step["if"] == "always()"
    script = tmp_path / "step.sh"
    script.write_text(step["run"], encoding="utf-8")
    env = {"PATH": os.environ["PATH"], "CHECK_ENV": check_env, "SCAN": scan}
    code, log = run_group(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        env=env,
        cwd=tmp_path,
        timeout=30,
    )
    assert (code != 0) is failed, log
    assert says in log


# --------------------------------------------------------------------------- fixtures


def _check(cmd: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None) -> str:
    code, out = run_group(cmd, env=env or dict(os.environ), cwd=cwd or REPO, timeout=STEP_TIMEOUT)
    assert code == 0, f"{cmd} failed ({code}):\n{out[-4000:]}"
    return out


@pytest.fixture(scope="module")
def tool_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tool as the action installs it (a wheel of this tree, built once here)."""
    dist = tmp_path_factory.mktemp("dist")
    _check([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(REPO)])
    (wheel,) = dist.glob("uvicorn_doctor-*.whl")
    return wheel


def _uv() -> str:
    from troubleshoot.harness.venvs import uv_executable

    exe = uv_executable()
    if exe is None:
        pytest.skip("uv is needed to build the project's virtual environment")
    return exe


def _old_python() -> str:
    """Python 3.8, as the harness finds it (old uvicorn's era); else this interpreter."""
    from troubleshoot.harness.interpreters import find_interpreter

    found = find_interpreter(("3.8",)).found
    return str(found.path) if found else sys.executable


def _make_project(root: Path, python: str, requirements: tuple[str, ...]) -> Path:
    """A project venv (with pip, as python -m venv makes it) holding `requirements`."""
    uv = _uv()
    env = {**os.environ, "UV_SYSTEM_CERTS": "1", "UV_NATIVE_TLS": "1"}
    _check([uv, "venv", "-q", "--seed", "-p", python, str(root)], env=env)
    if requirements:
        cmd = [uv, "pip", "install", "-q", "--python", str(root / "bin" / "python")]
        _check([*cmd, "--no-deps", *requirements], env=env)
    return root


def _freeze(venv: Path) -> str:
    return _check([str(venv / "bin" / "python"), "-m", "pip", "freeze", "--all"])


@pytest.fixture(scope="module")
def broken_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _make_project(tmp_path_factory.mktemp("project") / "venv", _old_python(), BROKEN)


@pytest.fixture(scope="module")
def fixed_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _make_project(tmp_path_factory.mktemp("fixed") / "venv", sys.executable, FIXED)


@pytest.fixture(scope="module")
def empty_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _make_project(tmp_path_factory.mktemp("empty") / "venv", sys.executable, ())


def _runner_env(tmp: Path, project: Path) -> dict[str, str]:
    """PATH as after setup-python / an activated venv: the project's bin first, then a Python
    3.11+ for the tool (this interpreter), then only the system tools the steps use."""
    assert sys.version_info >= (3, 11)
    tool_bin = tmp / "toolbin"
    tool_bin.mkdir()
    # Named as a system interpreter is (python3.12 on ubuntu-24.04): an activated project venv
    # shadows `python` and `python3`, so the action looks for a versioned name.
    wrapper = tool_bin / f"python3.{sys.version_info.minor}"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    sys_bin = tmp / "sysbin"
    sys_bin.mkdir()
    for tool in ("bash", "sh", "cat", "mkdir", "rm", "git"):
        found = shutil.which(tool)
        assert found, f"{tool} is needed"
        (sys_bin / tool).symlink_to(found)
    keep = ("HOME", "LANG", "TMPDIR", "SSL_CERT_FILE", "SSL_CERT_DIR")
    env = {k: v for k, v in os.environ.items() if k in keep or k.startswith("PIP_")}
    env.update({k: v for k, v in os.environ.items() if k.lower().endswith("_proxy")})
    env["PATH"] = os.pathsep.join([str(project / "bin"), str(tool_bin), str(sys_bin)])
    env["DOCTOR_CACHE_DIR"] = str(tmp / "doctor-cache")
    return env


def _workspace(tmp: Path, app: str) -> Path:
    ws = tmp / "workspace"
    ws.mkdir()
    (ws / "app.py").write_text(app, encoding="utf-8")
    if app == BAD_APP:
        (ws / "Dockerfile").write_text(
            'FROM python:3.8-slim\nCMD ["uvicorn", "app:app", "--reload"]\n', encoding="utf-8"
        )
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    _check([*git, "init", "-q"], cwd=ws)
    _check([*git, "add", "."], cwd=ws)
    _check([*git, "commit", "-q", "-m", "app"], cwd=ws)
    return ws


@dataclass
class Scenario:
    result: RunResult
    workspace: Path
    temp: Path
    project: Path
    freeze_before: str
    freeze_after: str


def _scenario(
    tmp: Path,
    project: Path,
    wheel: Path | None,
    *,
    app: str = BAD_APP,
    uploader: Uploader = check_sarif_upload,
    stale: dict[str, str] | None = None,
    **inputs: str,
) -> Scenario:
    workspace = _workspace(tmp, app)
    for name, text in (stale or {}).items():  # left by an earlier use of the action in the job
        (workspace / ".uvicorn-doctor").mkdir(exist_ok=True)
        (workspace / ".uvicorn-doctor" / name).write_text(text, encoding="utf-8")
    temp = tmp / "runner-temp"
    temp.mkdir()
    before = _freeze(project)
    runner = Runner(
        action_path=REPO,
        workspace=workspace,
        temp=temp,
        env=_runner_env(tmp, project),
        inputs={"install": str(wheel), **inputs} if wheel else inputs,
        uploader=uploader,
    )
    result = runner.run()
    return Scenario(result, workspace, temp, project, before, _freeze(project))


def _failing_upload(record: StepRecord, workspace: Path) -> bool:
    check_sarif_upload(record, workspace)
    return False  # "Code scanning is not enabled for this repository" / read-only fork token


@pytest.fixture(scope="module")
def uploaded(tmp_path_factory: pytest.TempPathFactory, broken_project: Path) -> Scenario:
    """The defaults, install included: pip builds the tool from the action's checkout."""
    return _scenario(tmp_path_factory.mktemp("uploaded"), broken_project, None)


@pytest.fixture(scope="module")
def not_uploaded(
    tmp_path_factory: pytest.TempPathFactory, broken_project: Path, tool_wheel: Path
) -> Scenario:
    return _scenario(
        tmp_path_factory.mktemp("no-upload"),
        broken_project,
        tool_wheel,
        **{"upload-sarif": "false"},
    )


@pytest.fixture(scope="module")
def upload_unavailable(
    tmp_path_factory: pytest.TempPathFactory, broken_project: Path, tool_wheel: Path
) -> Scenario:
    return _scenario(
        tmp_path_factory.mktemp("unavailable"), broken_project, tool_wheel, uploader=_failing_upload
    )


def _error(run: RunResult) -> str:
    return "\n".join(
        f"--- {s.key}: {s.outcome} ({s.returncode})\n{s.log[-3000:]}" for s in run.steps.values()
    )


# --------------------------------------------------------------------------- scenarios


@pytest.mark.parametrize("fixture", ["uploaded", "not_uploaded", "upload_unavailable"])
@pytest.mark.pypi
@pytest.mark.slow
def test_the_project_environment_is_left_alone(
    request: pytest.FixtureRequest, fixture: str
) -> None:
    sc: Scenario = request.getfixturevalue(fixture)
    run = sc.result
    assert sc.freeze_after == sc.freeze_before
    assert "uvicorn==0.10.3" in sc.freeze_before and "h11==0.8.1" in sc.freeze_before
    install = run.steps["install"]
    assert install.outcome == "success", _error(run)
    # The tool runs from its own venv under RUNNER_TEMP; check-env queried the project's python.
    assert Path(install.outputs["doctor"]).is_relative_to(sc.temp)
    assert install.outputs["python"] == str(sc.project / "bin" / "python")
    assert install.outputs["uvicorn-version"] == "0.10.3"
    # Nothing leaks into the job's later steps, and the checkout stays clean.
    for step in run.steps.values():
        assert step.env_file == "" and step.path_file == "", step.key
    status = _check(["git", "status", "--porcelain", "--ignored=no"], cwd=sc.workspace)
    assert status == "", status


@pytest.mark.pypi
@pytest.mark.slow
def test_defaults_upload_sarif_from_the_workspace(uploaded: Scenario) -> None:
    run = uploaded.result
    out = uploaded.workspace / ".uvicorn-doctor"
    assert run.steps["check-env"].outcome == "success", _error(run)
    assert run.outputs == {
        "check-env-exit-code": "1",
        "scan-exit-code": "1",
        "check-env-sarif": str(out / "check-env.sarif"),
        "scan-sarif": str(out / "scan.sarif"),
    }
    uploads = {u.with_["category"]: u for u in run.uploads()}
    assert set(uploads) == {"uvicorn-doctor-check-env", "uvicorn-doctor-scan"}
    for category, name in [
        ("uvicorn-doctor-check-env", "check-env"),
        ("uvicorn-doctor-scan", "scan"),
    ]:
        upload = uploads[category]
        assert upload.uses == UPLOAD_SARIF and upload.outcome == "success"
        assert upload.with_["sarif_file"] == str(out / f"{name}.sarif")
    env_results = json.loads((out / "check-env.sarif").read_text())["runs"][0]["results"]
    assert any("0.10.3" in r["message"]["text"] and r["level"] == "error" for r in env_results)
    scan_results = json.loads((out / "scan.sarif").read_text())["runs"][0]["results"]
    assert any(
        loc["physicalLocation"]["artifactLocation"]["uri"].endswith("app.py")
        for r in scan_results
        for loc in r["locations"]
    )
    # Uploaded: no duplicate annotations of the findings in the log; the job fails on them.
    doctor_annotations = [a for a in run.annotations() if "title=doctor " in f"{a[1]} "]
    assert doctor_annotations == []
    assert run.job_failed
    assert run.steps["Fail on findings, bad input or nothing to check"].outcome == "failure"
    assert "doctor check-env found problems" in run.log


@pytest.mark.pypi
@pytest.mark.slow
def test_check_env_sarif_meets_code_scannings_location_rule(uploaded: Scenario) -> None:
    """Code scanning rejects a file with a result without a location (codeql-action#1738):
    versions from the project's interpreter point at the project's launch or manifest."""
    sarif = uploaded.workspace / ".uvicorn-doctor" / "check-env.sarif"
    for result in json.loads(sarif.read_text())["runs"][0]["results"]:
        assert result.get("locations"), result["ruleId"]
        for loc in result["locations"]:
            assert loc["physicalLocation"]["artifactLocation"]["uri"], result["ruleId"]


@pytest.mark.pypi
@pytest.mark.slow
def test_scan_sarif_meets_code_scannings_location_rule(uploaded: Scenario) -> None:
    sarif = uploaded.workspace / ".uvicorn-doctor" / "scan.sarif"
    results = json.loads(sarif.read_text())["runs"][0]["results"]
    assert results
    for result in results:
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]


@pytest.mark.pypi
@pytest.mark.slow
def test_the_job_summary_has_both_markdown_reports(uploaded: Scenario) -> None:
    summary = uploaded.result.summary
    assert re.search(r"^## uvicorn-doctor check-env", summary, re.M), summary[:2000]
    assert re.search(r"^## uvicorn-doctor scan", summary, re.M), summary[:2000]
    # As GitHub shows it (the Markdown escapes punctuation: 0\.10.3 in the source).
    html = MarkdownIt("commonmark").enable("table").render(summary)
    assert "0.10.3" in html and "app.py" in html


@pytest.mark.pypi
@pytest.mark.slow
def test_annotations_when_upload_is_off(not_uploaded: Scenario) -> None:
    run = not_uploaded.result
    assert run.uploads() == []
    assert run.outputs["check-env-exit-code"] == "1" and run.outputs["scan-exit-code"] == "1"
    annotations = run.annotations()
    assert any(level == "error" and "file=app.py" in props for level, props, _ in annotations)
    assert any(level == "error" and "0.10.3" in message for level, _, message in annotations)
    assert "SARIF upload did not succeed" not in run.log
    assert run.job_failed


@pytest.mark.pypi
@pytest.mark.slow
def test_annotations_when_code_scanning_is_unavailable(upload_unavailable: Scenario) -> None:
    run = upload_unavailable.result
    for key in ("upload-check-env", "upload-scan"):
        assert run.steps[key].outcome == "failure" and run.steps[key].conclusion == "success"
    annotations = run.annotations()
    assert any("file=app.py" in props for _, props, _ in annotations)
    assert "the scan SARIF upload did not succeed" in run.log
    assert run.job_failed  # by the findings (the last step), not by the upload
    assert run.steps["Fail on findings, bad input or nothing to check"].outcome == "failure"


@pytest.mark.pypi
@pytest.mark.slow
def test_a_clean_project_passes(tmp_path: Path, fixed_project: Path, tool_wheel: Path) -> None:
    sc = _scenario(tmp_path, fixed_project, tool_wheel, app=GOOD_APP)
    run = sc.result
    assert not run.job_failed, _error(run)
    assert run.outputs["check-env-exit-code"] == "0" and run.outputs["scan-exit-code"] == "0"
    assert run.steps["install"].outputs["uvicorn-version"] == "0.54.0"
    assert sc.freeze_after == sc.freeze_before


@pytest.mark.pypi
@pytest.mark.slow
def test_an_interpreter_that_cannot_be_queried_fails_the_job(
    tmp_path: Path, broken_project: Path, tool_wheel: Path
) -> None:
    sc = _scenario(
        tmp_path,
        broken_project,
        tool_wheel,
        python=str(tmp_path / "no-such-python"),
        stale={"scan.annotations": "::error file=old.py::STALE\n", "scan.sarif": "{}"},
        **{"run-scan": "false"},
    )
    run = sc.result
    assert run.steps["install"].outcome == "success", _error(run)  # the tool found its own Python
    assert run.outputs["check-env-exit-code"] == "2"
    assert run.steps["scan"].outcome == "skipped" and run.outputs["scan-exit-code"] == ""
    assert "check-env could not run" in run.summary
    assert run.job_failed
    assert "STALE" not in run.log and run.outputs["scan-sarif"] == ""
    assert not (sc.workspace / ".uvicorn-doctor" / "scan.sarif").exists()


@pytest.mark.pypi
@pytest.mark.slow
def test_a_project_without_uvicorn_fails_with_nothing_to_check(
    tmp_path: Path, empty_project: Path, tool_wheel: Path
) -> None:
    sc = _scenario(tmp_path, empty_project, tool_wheel, app=GOOD_APP, **{"run-scan": "false"})
    run = sc.result
    assert run.outputs["check-env-exit-code"] == "4", _error(run)
    assert "nothing to check" in run.summary
    assert run.job_failed


# --------------------------------------------------------------------------- the docs


def _doc_yaml_blocks() -> list[Any]:
    text = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^( *)```yaml\n(.*?)^\1```", text, re.M | re.S)
    assert blocks
    out = []
    for indent, body in blocks:
        lines = [line[len(indent) :] for line in body.splitlines()]
        out.append(yaml.safe_load("\n".join(lines)))
    return out


def _action_steps_in(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if node.get("uses") == "./.github/uvicorn-doctor":
            yield node
        for value in node.values():
            yield from _action_steps_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from _action_steps_in(value)


def test_the_docs_use_only_inputs_and_outputs_the_action_has() -> None:
    action = _action()
    inputs, outputs = set(action["inputs"]), set(action["outputs"])
    blocks = _doc_yaml_blocks()
    steps = [step for block in blocks for step in _action_steps_in(block)]
    assert len(steps) >= 2
    for step in steps:
        assert set(step.get("with") or {}) <= inputs, step
    # YAML 1.1 (PyYAML) reads the key `on` as True.
    (reusable,) = [
        b for b in blocks if isinstance(b, dict) and "workflow_call" in (b.get(True) or {})
    ]
    call = reusable[True]["workflow_call"]
    text = yaml.safe_dump(reusable)
    for name in re.findall(r"\binputs\.([\w-]+)", text):
        assert name in call["inputs"], name
    for name in re.findall(r"steps\.doctor\.outputs\.([\w-]+)", text):
        assert name in outputs, name
    docs = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    for name in inputs | outputs:
        assert f"`{name}`" in docs, f"docs/ci.md does not describe {name}"
