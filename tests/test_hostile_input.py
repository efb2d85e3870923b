"""Issue 16: hostile and oversized input, through the real entry point.

Each case asserts the documented exit status, no raw traceback on stderr, a message
naming what is wrong, and (where the item is about memory) a bounded peak: the run's
own high-water resident size (VmHWM), written by the run when it exits.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.conftest import REPO

# What a run may take at most, whatever it was given (the KB and the tool itself
# need ~60 MB; the reads are bounded at 32 MB).
MAX_PEAK_MB = 400


class Run(NamedTuple):
    status: int
    out: str
    err: str
    peak_mb: float  # this run's own peak resident size (VmHWM of its image)


# `python -m troubleshoot` that writes its own VmHWM when it exits. Not getrusage or
# wait4: Linux carries the parent's high-water mark across fork and exec into
# ru_maxrss, so a child of a pytest grown to 450 MB reports 450 MB whatever it did.
# VmHWM belongs to the process image, which exec starts afresh.
_MEASURED = """
import atexit, os, sys

def _hwm():
    with open("/proc/self/status") as status, open(os.environ["DOCTOR_TEST_HWM"], "w") as out:
        out.write(next(line.split()[1] for line in status if line.startswith("VmHWM:")))

atexit.register(_hwm)
sys.argv = ["doctor", *sys.argv[1:]]
from troubleshoot.cli import main
main()
"""


def _doctor(*args: str, stdin: int | None = None, cwd: Path | None = None) -> Run:
    """One doctor run in its own process group, killed after 120 s, with its own peak
    memory (a run that did not report it, killed say, counts as unbounded)."""
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryFile() as out:
        hwm = Path(tmp) / "hwm"
        with tempfile.TemporaryFile() as err:
            proc = subprocess.Popen(
                [sys.executable, "-c", _MEASURED, *args],
                stdin=stdin if stdin is not None else subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                cwd=cwd,
                env={**os.environ, "PYTHONPATH": str(REPO), "DOCTOR_TEST_HWM": str(hwm)},
                start_new_session=True,
            )
            timer = threading.Timer(120, os.killpg, (proc.pid, signal.SIGKILL))
            timer.start()
            try:
                status = proc.wait()
            finally:
                timer.cancel()
            out.seek(0)
            err.seek(0)
            peak = int(hwm.read_text()) / 1024 if hwm.is_file() else float("inf")
            return Run(
                status,
                out.read().decode(errors="replace"),
                err.read().decode(errors="replace"),
                peak,
            )


def _refused(result: Run, fragment: str) -> None:
    assert result.status == 2, result.err
    assert "Traceback (most recent call last)" not in result.err, result.err
    assert fragment in result.err, result.err
    assert result.peak_mb < MAX_PEAK_MB


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero (POSIX)")
def test_endless_inputs_are_refused_with_their_size() -> None:
    _refused(_doctor("check-env", "-r", "/dev/zero"), "/dev/zero: larger than 32 MB")
    _refused(_doctor("check-env", "--lock", "/dev/zero"), "/dev/zero: larger than 32 MB")
    with Path("/dev/zero").open("rb") as endless:
        _refused(_doctor("check-env", "-r", "-", stdin=endless.fileno()), "<stdin>: larger than")


def test_an_include_of_dev_zero_and_a_deep_include_chain(tmp_path: Path) -> None:
    (tmp_path / "top.txt").write_text("-r /dev/zero\n")
    _refused(_doctor("check-env", "-r", str(tmp_path / "top.txt")), "larger than 32 MB")
    for n in range(400):
        (tmp_path / f"r{n}.txt").write_text(f"-r r{n + 1}.txt\n")
    (tmp_path / "r400.txt").write_text("uvicorn==0.30.0\n")
    _refused(_doctor("check-env", "-r", str(tmp_path / "r0.txt")), "nested -r includes")


def test_toml_nested_too_deeply(tmp_path: Path) -> None:
    lock = tmp_path / "uv.lock"
    lock.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")
    _refused(_doctor("check-env", "--lock", str(lock)), "nested too deeply")


def _script(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return path


def test_an_interpreter_that_floods_or_lies(tmp_path: Path) -> None:
    flood = _script(tmp_path, "flood", "exec yes\n")
    _refused(_doctor("check-env", "--python", str(flood)), "its output is larger than 16 MB")
    wrong = _script(tmp_path, "wrong", 'echo \'{"doctor": 1, "markers": [1]}\'\n')
    _refused(_doctor("check-env", "--python", str(wrong)), "not a Python interpreter")


def test_an_interpreter_that_leaves_a_child_behind_is_answered_and_reaped(
    tmp_path: Path,
) -> None:
    """It answers at once but a background child holds stdout: the answer counts (no
    30 s wait), and the child is killed with the process group."""
    marker = f"299.{os.getpid() % 1000:03d}7"  # unique to this run
    lingering = _script(tmp_path, "lingering", f"sleep {marker} &\necho '{{}}'\n")
    start = time.monotonic()
    _refused(_doctor("check-env", "--python", str(lingering)), "not a Python interpreter")
    assert time.monotonic() - start < 20
    alive = subprocess.run(["pgrep", "-f", f"sleep {marker}"], capture_output=True, check=False)
    assert alive.stdout.strip() == b"", "the background child was left running"


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero (POSIX)")
def test_scan_does_not_follow_a_link_to_a_device_and_skips_huge_files(tmp_path: Path) -> None:
    (tmp_path / "evil.py").symlink_to("/dev/zero")
    (tmp_path / "generated.py").write_text("import uvicorn\n" + "x = 1\n" * 1_000_000)
    (tmp_path / "main.py").write_text(
        "import uvicorn\nuvicorn.run('main:app', reload=True, workers=2)\n"
    )
    status, out, err, peak = _doctor("scan", "--format", "json", str(tmp_path))
    assert "Traceback (most recent call last)" not in err, err
    assert status in (0, 1), err
    report = json.loads(out)
    skipped = {Path(s["subject"]).name: s["reason"] for s in report["unevaluated"]}
    assert "not a regular file" in skipped["evil.py"]
    assert "larger than 4 MB" in skipped["generated.py"]
    assert peak < MAX_PEAK_MB


def test_requirement_lines_with_long_blank_runs_are_read(tmp_path: Path) -> None:
    """Issue 16: 80,000 trailing spaces took 41 s (a backtracking comment regex); the
    line is read in one pass and its requirement found."""
    req = tmp_path / "requirements.txt"
    req.write_text("uvicorn==0.10.3" + " " * 80_000 + "\n" + "#" * 50_000 + "&" * 50_000 + "\n")
    status, out, err, peak = _doctor("check-env", "-r", str(req), "--format", "json")
    assert peak < MAX_PEAK_MB
    assert status == 1, err
    assert any(f["version"] == "0.10.3" for f in json.loads(out)["findings"])


@pytest.mark.parametrize("command", [["list"], ["kb", "build"], ["paste-traceback", "-"]])
def test_an_unusable_cache_is_a_clear_error(tmp_path: Path, command: list[str]) -> None:
    """Issue 16: `DOCTOR_CACHE_DIR=/proc/x doctor list` printed a FileNotFoundError."""
    for cache in ("/proc/nonexistent/x", str(tmp_path / "file")):
        (tmp_path / "file").write_text("not a folder")
        proc = subprocess.run(
            [sys.executable, "-m", "troubleshoot", *command],
            input=b"TypeError: run() got an unexpected keyword argument 'debug'\n",
            capture_output=True,
            timeout=60,
            env={**os.environ, "PYTHONPATH": str(REPO), "DOCTOR_CACHE_DIR": cache},
            check=False,
        )
        err = proc.stderr.decode()
        assert proc.returncode == 2, err
        assert "Traceback (most recent call last)" not in err
        assert "cannot use the KB database at" in err and "DOCTOR_CACHE_DIR" in err


def test_a_directory_where_the_database_goes(tmp_path: Path) -> None:
    from troubleshoot.config import Settings

    db = Settings.resolve(REPO / "kb", None).db_path.name
    cache = tmp_path / "cache"
    (cache / db).mkdir(parents=True)
    proc = subprocess.run(
        [sys.executable, "-m", "troubleshoot", "list"],
        capture_output=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(REPO), "DOCTOR_CACHE_DIR": str(cache)},
        check=False,
    )
    assert proc.returncode == 2
    assert b"Is a directory" in proc.stderr and b"Traceback" not in proc.stderr


def test_small_input_mistakes_are_named(tmp_path: Path) -> None:
    """Issue 16, low: nan, a folder for --config, a path for an entry id, UTF-16."""
    paste = tmp_path / "paste.txt"
    paste.write_text("TypeError: run() got an unexpected keyword argument 'debug'\n")
    _refused(_doctor("paste-traceback", "--min-score", "nan", str(paste)), "nan is not a number")
    _refused(_doctor("check-env", "--config", str(tmp_path)), "is a folder")
    _refused(_doctor("repro", "../../x"), "not an entry id")
    utf16 = tmp_path / "windows.txt"
    utf16.write_bytes(paste.read_text().encode("utf-16"))  # with its BOM, as PowerShell writes
    status, out, err, peak = _doctor("paste-traceback", "--json", "--no-env", str(utf16))
    assert peak < MAX_PEAK_MB
    assert status == 0, err
    assert json.loads(out)["matches"][0]["id"] == "debug-option-removed"


def _until_reading_stdin(pid: int, deadline: float = 30.0) -> None:
    """Poll until the process sits in read(0, ...) (Linux: /proc/PID/syscall)."""
    syscall = Path(f"/proc/{pid}/syscall")
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            fields = syscall.read_text().split()
        except OSError:
            fields = []
        if fields[:2] == ["0", "0x0"]:  # x86_64 read, fd 0
            return
        time.sleep(0.02)
    raise AssertionError("the command never read its standard input")


@pytest.mark.skipif(
    not Path("/proc/self/syscall").exists() or os.uname().machine != "x86_64",
    reason="polls /proc/PID/syscall for the x86_64 read syscall",
)
def test_ctrl_c_says_it_was_interrupted() -> None:
    import signal

    proc = subprocess.Popen(
        [sys.executable, "-m", "troubleshoot", "paste-traceback", "-"],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        _until_reading_stdin(proc.pid)
        proc.send_signal(signal.SIGINT)  # what Ctrl-C sends
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    assert proc.returncode == 130
    assert b"interrupted" in err and b"Traceback" not in err


def test_scan_goes_on_past_deep_folders_and_deep_json(tmp_path: Path) -> None:
    """Issue 16 item 5: 1,500 nested folders and a notebook nested 5,000 deep raised
    RecursionError; the walk has its own stack and the notebook is reported."""
    # deeper than PATH_MAX: made one level at a time, relative to an open folder
    fd = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)
    for _ in range(1500):
        os.mkdir("d", dir_fd=fd)
        inner = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        os.close(fd)
        fd = inner
    launch = os.open("main.py", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
    os.write(launch, b"import uvicorn\nuvicorn.run('main:app', reload=True, workers=2)\n")
    os.close(launch)
    os.close(fd)
    (tmp_path / "nb.ipynb").write_text('{"cells": ' + "[" * 5000 + "]" * 5000 + "}")
    status, out, err, peak = _doctor("scan", "--format", "json", str(tmp_path))
    assert peak < MAX_PEAK_MB
    assert "Traceback (most recent call last)" not in err, err[-2000:]
    report = json.loads(out)
    assert status == 1  # the deep main.py's launch was found
    assert report["findings"], report["summary"]
    skipped = {Path(s["subject"]).name: s["reason"] for s in report["unevaluated"]}
    assert "nested too deeply" in skipped["nb.ipynb"]
    # shutil.rmtree (pytest's clean-up) recurses once per level: take the tree down here
    subprocess.run(["rm", "-rf", str(tmp_path / "d")], check=True, timeout=120)


def _export(out: Path) -> tuple[int, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "troubleshoot", "export-site", str(out)],
        capture_output=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=False,
    )
    return proc.returncode, proc.stderr.decode()


def test_re_export_never_deletes_what_it_did_not_write(tmp_path: Path) -> None:
    """Issue 16 item 8: a symlink to a folder, an empty folder of the user's and an
    unreadable folder were deleted (or hidden in .OUT.old-*) by a re-export."""
    out = tmp_path / "site"
    assert _export(out)[0] == 0
    keep = tmp_path / "elsewhere"
    keep.mkdir()
    (keep / "precious.txt").write_text("mine")
    cases = {
        "link": lambda: (out / "linked").symlink_to(keep, target_is_directory=True),
        "empty": (out / "drafts").mkdir,
        "unreadable": lambda: (out / "locked").mkdir(mode=0o000),
    }
    for name, make in cases.items():
        make()
        status, err = _export(out)
        assert status == 2, (name, err)
        assert "Traceback" not in err and "nothing was written" in err, (name, err)
        assert (keep / "precious.txt").read_text() == "mine"
        assert not any(p.name.startswith(".site.old-") for p in tmp_path.iterdir())
        for leftover in ("linked", "drafts", "locked"):
            target = out / leftover
            if target.is_symlink():
                target.unlink()
            elif target.exists():
                target.chmod(0o755)
                target.rmdir()
    assert _export(out)[0] == 0  # and an untouched export is still replaced


def test_scan_reports_an_invalid_pyproject_it_could_not_read(tmp_path: Path) -> None:
    """Issue 16 (Low): an invalid pyproject.toml was skipped without a word."""
    (tmp_path / "pyproject.toml").write_text('[tool.poe.tasks]\ndev = "uvicorn main:app --reload\n')
    status, out, err, _peak = _doctor("scan", "--format", "json", str(tmp_path))
    assert status == 0, err
    (skipped,) = json.loads(out)["unevaluated"]
    assert skipped["subject"].endswith("pyproject.toml")
    assert skipped["reason"].startswith("invalid TOML: ") and skipped["location"]["line"] == 2


def test_scan_reports_an_invalid_compose_file(tmp_path: Path) -> None:
    """PyYAML reads compose files (issue 14: no hand-written YAML subset); one it cannot
    parse is reported with its line, not read half-way."""
    (tmp_path / "compose.yml").write_text("services:\n  web:\n    command: [uvicorn, m:app\n")
    status, out, err, _peak = _doctor("scan", "--format", "json", str(tmp_path))
    assert status == 0, err
    (skipped,) = json.loads(out)["unevaluated"]
    assert skipped["reason"].startswith("invalid YAML: ") and skipped["location"]["line"]
