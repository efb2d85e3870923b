"""The pre-commit hooks (.pre-commit-hooks.yaml), run as pre-commit runs them, and by
pre-commit itself.

pre-commit installs a `language: python` hook into a virtual environment of its own
(`pip install` of the hook repository) and runs `entry` + `args` (+ the staged files that
match `files`, when `pass_filenames`) from the repository root, with that environment's
bin first on PATH and VIRTUAL_ENV set. Here: a fresh venv with the wheel built from this tree
(so the tool's interpreter has no uvicorn, as in pre-commit), a temporary git repository
with the files staged, and the hook's own entry, args and file filter. Then the same with
`pre-commit run` (from the test extra) on a git repository of this tree's hook files.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sys
import venv
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO
from tests.procs import run_group

TIMEOUT = 600.0


def _hooks() -> dict[str, dict[str, Any]]:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return {h["id"]: h for h in hooks}


def _run(cmd: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    return run_group(cmd, cwd=cwd, env=env, timeout=TIMEOUT)


def _check(cmd: list[str], *, cwd: Path = REPO, env: dict[str, str] | None = None) -> str:
    code, out = _run(cmd, cwd=cwd, env=env)
    assert code == 0, f"{cmd} failed ({code}):\n{out[-4000:]}"
    return out


def test_hook_definitions() -> None:
    hooks = _hooks()
    assert set(hooks) == {"doctor-scan", "doctor-check-env"}
    check = hooks["doctor-check-env"]
    assert check["entry"] == "doctor check-env" and check["language"] == "python"
    assert check["pass_filenames"] is False
    # No args by default: the repository's own files are the source (see the tests below).
    assert not check.get("args")
    files = re.compile(check["files"])
    for name in (
        "requirements.txt",
        "requirements-dev.txt",
        "uv.lock",
        "poetry.lock",
        "pylock.toml",
        "pylock.prod.toml",
        "pyproject.toml",
    ):
        assert files.search(name), name
    for name in ("README.md", "app.py", "requirements.in", "lock.json"):
        assert not files.search(name), name


@pytest.fixture(scope="module")
def hook_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pre-commit's environment for the hooks: a venv holding the tool (and no uvicorn)."""
    dist = tmp_path_factory.mktemp("dist")
    _check([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(REPO)])
    (wheel,) = dist.glob("uvicorn_doctor-*.whl")
    env_dir = tmp_path_factory.mktemp("hook-env") / "py_env"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    _check([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)])
    probe = "import importlib.util as u; print(u.find_spec('uvicorn') is None)"
    assert _check([str(python), "-I", "-c", probe]).strip() == "True"
    return env_dir


def _repo(root: Path, files: dict[str, str]) -> Path:
    root.mkdir()
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    _check([*git, "init", "-q"], cwd=root)
    _check([*git, "add", "."], cwd=root)
    return root


def _run_hook(
    hook_id: str, hook_env: Path, repo: Path, args: list[str] | None = None
) -> tuple[int, str]:
    """Run the hook as `pre-commit run HOOK` would on the staged files (`args`: the user's
    `args:` in .pre-commit-config.yaml, which replace the hook's own)."""
    hook = _hooks()[hook_id]
    if args is not None:
        hook["args"] = args
    staged = _check(["git", "diff", "--cached", "--name-only"], cwd=repo).split()
    matched = [f for f in staged if re.search(hook["files"], f)]
    assert matched, f"{hook_id} would be skipped: no staged file matches {hook['files']}"
    cmd = [*shlex.split(hook["entry"]), *hook.get("args", [])]
    if hook["pass_filenames"]:
        cmd += matched
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DOCTOR_") and k not in ("PYTHONPATH", "PYTHONHOME")
    }
    env["VIRTUAL_ENV"] = str(hook_env)
    env["PATH"] = os.pathsep.join([str(hook_env / "bin"), env.get("PATH", "")])
    env["DOCTOR_CACHE_DIR"] = str(repo.parent / "doctor-cache")
    return _run(cmd, cwd=repo, env=env)


BROKEN_PIN = {"requirements.txt": "uvicorn==0.10.3\n", "app.py": "print('hello')\n"}


@pytest.mark.pypi
@pytest.mark.slow
def test_check_env_hook_fails_on_a_broken_pin_without_args(hook_env: Path, tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo", BROKEN_PIN)
    code, out = _run_hook("doctor-check-env", hook_env, repo)
    assert code == 1, out
    assert "0.10.3" in out and "requirements.txt" in out


@pytest.mark.pypi
@pytest.mark.slow
def test_check_env_hook_exits_4_when_nothing_has_uvicorn(hook_env: Path, tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo", {"requirements.txt": "requests==2.31.0\n"})
    code, out = _run_hook("doctor-check-env", hook_env, repo)
    assert code == 4, out


@pytest.mark.pypi
@pytest.mark.slow
def test_check_env_hook_with_explicit_args_fails_on_the_pin(hook_env: Path, tmp_path: Path) -> None:
    """The same environment and repository with `args: [-r, requirements.txt]`."""
    repo = _repo(tmp_path / "repo", BROKEN_PIN)
    code, out = _run_hook("doctor-check-env", hook_env, repo, ["-r", "requirements.txt"])
    assert code == 1, out
    assert "0.10.3" in out and "requirements.txt" in out


@pytest.mark.pypi
@pytest.mark.slow
def test_scan_hook_fails_on_the_staged_launch_code(hook_env: Path, tmp_path: Path) -> None:
    app = (
        "import uvicorn\n\nasync def app(scope, receive, send):\n    pass\n\n"
        "uvicorn.run(app, reload=True)\n"
    )
    repo = _repo(tmp_path / "repo", {"app.py": app, "README.md": "hello\n"})
    code, out = _run_hook("doctor-scan", hook_env, repo)
    assert code == 1, out
    assert "app.py:6" in out


def test_the_docs_config_names_these_hooks() -> None:
    text = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    configs = [
        yaml.safe_load(body)
        for body in re.findall(r"^```yaml\n(.*?)^```", text, re.M | re.S)
        if body.startswith("# .pre-commit-config.yaml")
    ]
    assert len(configs) == 1
    (repo,) = configs[0]["repos"]
    assert repo["repo"] == "./.github/uvicorn-doctor"  # the submodule the docs add
    ids = [hook["id"] for hook in repo["hooks"]]
    assert set(ids) == set(_hooks())
    check_env = next(hook for hook in repo["hooks"] if hook["id"] == "doctor-check-env")
    assert not check_env.get("args")  # documented as working without args


# --------------------------------------------------------------------------- real pre-commit


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A git repository of this tree's hook files and package (what pre-commit clones)."""
    pytest.importorskip("pre_commit", reason="pre-commit (in the test extra) runs the hooks")
    root = tmp_path_factory.mktemp("hook-repo") / "uvicorn-doctor"
    root.mkdir()
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(REPO / name, root / name)
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("troubleshoot", "reference_server", "kb", "fixes"):
        shutil.copytree(REPO / name, root / name, ignore=skip)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    _check([*git, "init", "-q"], cwd=root)
    _check([*git, "add", "."], cwd=root)
    _check([*git, "commit", "-q", "-m", "hooks"], cwd=root)
    return root, _check(["git", "rev-parse", "HEAD"], cwd=root).strip()


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")  # the hook env, built once here


def _pre_commit(
    hook_repo: tuple[Path, str], home: Path, repo: Path, hook_id: str
) -> tuple[int, str]:
    path, rev = hook_repo
    config = {"repos": [{"repo": str(path), "rev": rev, "hooks": [{"id": hook_id}]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    _check(["git", "add", ".pre-commit-config.yaml"], cwd=repo)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DOCTOR_", "PRE_COMMIT")) and k not in ("PYTHONPATH", "PYTHONHOME")
    }
    env["PRE_COMMIT_HOME"] = str(home)
    env["DOCTOR_CACHE_DIR"] = str(repo.parent / "doctor-cache")
    cmd = [sys.executable, "-m", "pre_commit", "run", hook_id, "--all-files", "--color", "never"]
    return _run(cmd, cwd=repo, env=env)


@pytest.mark.pypi
@pytest.mark.slow
def test_pre_commit_fails_the_check_env_hook_on_a_broken_pin(
    hook_repo: tuple[Path, str], pre_commit_home: Path, tmp_path: Path
) -> None:
    repo = _repo(tmp_path / "repo", BROKEN_PIN)
    code, out = _pre_commit(hook_repo, pre_commit_home, repo, "doctor-check-env")
    assert code == 1, out
    assert re.search(r"^doctor check-env .*Failed$", out, re.M), out[-3000:]
    assert "- exit code: 1" in out and "0.10.3" in out


@pytest.mark.pypi
@pytest.mark.slow
def test_pre_commit_fails_the_check_env_hook_when_nothing_has_uvicorn(
    hook_repo: tuple[Path, str], pre_commit_home: Path, tmp_path: Path
) -> None:
    repo = _repo(tmp_path / "repo", {"requirements.txt": "requests==2.31.0\n"})
    code, out = _pre_commit(hook_repo, pre_commit_home, repo, "doctor-check-env")
    assert code == 1, out  # pre-commit's own status: a hook failed
    assert "- exit code: 4" in out, out[-3000:]
