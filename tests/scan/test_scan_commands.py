"""Command lines: uvicorn, python -m uvicorn, gunicorn, and the files that hold them."""

from __future__ import annotations

import tomllib

import pytest

from troubleshoot.scan import commands
from troubleshoot.scan.model import Span

SPAN = Span("f", 1, 1)


def launch(line: str):  # type: ignore[no-untyped-def]
    found = list(commands.launches_in_shell(line, SPAN))
    assert len(found) <= 1, found
    return found[0] if found else None


@pytest.mark.parametrize(
    "line, via, app, options",
    [
        (
            "uvicorn main:app --reload --workers 4",
            "cli",
            "main:app",
            {"reload": True, "workers": 4},
        ),
        ("python -m uvicorn main:app --workers=2", "cli", "main:app", {"workers": 2}),
        ("python3.12 -u -m uvicorn --host 0.0.0.0 m:app", "cli", "m:app", {"host": "0.0.0.0"}),
        ("/venv/bin/uvicorn m:app --debug", "cli", "m:app", {"debug": True}),
        ("exec uv run --no-sync uvicorn m:app --reload", "cli", "m:app", {"reload": True}),
        ("PORT=1 FOO=bar uvicorn m:app", "cli", "m:app", {}),
        ("cd /srv && uvicorn m:app --workers $N", "cli", "m:app", {"workers": None}),
        (
            "gunicorn -k uvicorn.workers.UvicornWorker -w4 m:app",
            "gunicorn",
            "m:app",
            {"worker_class": "uvicorn.workers.UvicornWorker", "workers": 4},
        ),
        (
            "python -m gunicorn m:app --worker-class=uvicorn_worker.UvicornWorker --reload",
            "gunicorn",
            "m:app",
            {"worker_class": "uvicorn_worker.UvicornWorker", "reload": True},
        ),
        ("sh -c 'uvicorn m:app --reload'", "cli", "m:app", {"reload": True}),
    ],
)
def test_launch_command_lines(line: str, via: str, app: str, options: dict) -> None:  # type: ignore[type-arg]
    found = launch(line)
    assert found is not None
    assert (found.via, found.app_ref, dict(found.options)) == (via, app, options)


@pytest.mark.parametrize(
    "line",
    [
        "pip install uvicorn gunicorn",
        "echo uvicorn m:app --reload --workers 2",
        "python main.py --reload",
        "python -m pytest uvicorn",
        "which uvicorn",
        "# uvicorn m:app --reload --workers 2",
        "uv add uvicorn",
    ],
)
def test_commands_that_are_not_launches(line: str) -> None:
    assert launch(line) is None


def test_unbalanced_quotes_do_not_crash() -> None:
    found = launch("uvicorn m:app --reload 'oops")  # split at whitespace instead
    assert found is not None
    assert (found.via, found.app_ref, dict(found.options)) == ("cli", "m:app", {"reload": True})


DOCKERFILE = """\
FROM python:3.12 AS base
ENTRYPOINT ["gunicorn", "-k", "uvicorn.workers.UvicornWorker"]
CMD ["m:app"]

FROM base
# CMD uvicorn m:app --debug
RUN pip install uvicorn
cmd ["sh", "-c", "uvicorn m:app --reload --workers 2"]
ENTRYPOINT uvicorn \\
    m:app --debug
"""


def test_dockerfile_forms() -> None:
    found = list(commands.read_dockerfile(DOCKERFILE, "Dockerfile"))
    summary = [(x.span.line, x.via, x.app_ref, dict(x.options)) for x in found]
    assert summary == [
        (3, "gunicorn", "m:app", {"worker_class": "uvicorn.workers.UvicornWorker"}),
        (8, "cli", "m:app", {"reload": True, "workers": 2}),
        (9, "cli", "m:app", {"debug": True}),
    ]


COMPOSE = """\
version: "3"
services:
  web:
    image: x
    command: uvicorn m:app --reload  # dev only
  list:
    command: ["uvicorn", "m:app", "--workers", "2"]
  block:
    command:
      - uvicorn
      - "m:app"
      - --debug
  folded:
    command: >-
      uvicorn m:app
      --reload --workers 3
  combined:
    entrypoint: ["gunicorn", "-k", "uvicorn.workers.UvicornWorker"]
    command: m:app
x-other:
  command: uvicorn not:a-service --reload --workers 9
"""


def test_compose_commands_and_entrypoints() -> None:
    found = list(commands.read_compose(COMPOSE, "compose.yml"))
    summary = [(x.span.line, x.span.column, x.app_ref, dict(x.options)) for x in found]
    assert summary == [
        (5, 14, "m:app", {"reload": True}),
        (7, 14, "m:app", {"workers": 2}),
        (10, 7, "m:app", {"debug": True}),
        (14, 14, "m:app", {"reload": True, "workers": 3}),
        (19, 14, "m:app", {"worker_class": "uvicorn.workers.UvicornWorker"}),
    ]


def test_procfile_shell_and_pyproject() -> None:
    proc = list(commands.read_procfile("web: uvicorn m:app --reload\n# x: uvicorn\n", "Procfile"))
    assert [(x.span.line, x.span.column) for x in proc] == [(1, 6)]
    shell = list(commands.read_shell("#!/bin/sh\nexec uvicorn m:app \\\n  --workers 2\n", "s.sh"))
    assert [(x.span.line, dict(x.options)) for x in shell] == [(2, {"workers": 2})]
    toml = '[tool.pdm.scripts]\nserve = {cmd = "uvicorn m:app --reload"}\n[tool.x]\ny = 1\n'
    found = list(commands.read_pyproject(toml, "pyproject.toml"))
    assert [(x.span.line, x.app_ref) for x in found] == [(2, "m:app")]
    with pytest.raises(tomllib.TOMLDecodeError):  # the file reader reports it as skipped
        list(commands.read_pyproject("not toml [", "pyproject.toml"))
