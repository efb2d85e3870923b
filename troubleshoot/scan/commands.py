"""Command lines that start uvicorn: ``uvicorn ...``, ``python -m uvicorn ...``, ``gunicorn ...``.

Readers for Procfile, Dockerfile ``CMD``/``ENTRYPOINT`` (shell and exec forms),
docker-compose ``command:``/``entrypoint:`` (PyYAML, which keeps positions),
shell scripts and pyproject.toml task tables all reduce to
the same thing: an argv (split with ``shlex``) at a file position, which
:func:`launch_from_argv` turns into a :class:`~troubleshoot.scan.model.Launch`.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from pathlib import PurePath
from typing import Any

from troubleshoot.scan.model import Launch, OptionValue, Span, Via

_SHELLS = {"sh", "bash", "dash", "zsh", "ash"}
_SEPARATORS = {"&&", "||", ";", "|", "&", "(", ")", ";;", "|&"}
# Tokens that may precede the server command (wrappers, runners, process managers).
_WRAPPERS = {
    "exec", "env", "nohup", "time", "sudo", "poetry", "uv", "pipenv", "pdm", "hatch", "rye",
    "run", "run-program", "newrelic-admin", "ddtrace-run", "opentelemetry-instrument",
    "dumb-init", "tini", "--", "doppler", "dotenv", "infisical",
}  # fmt: skip
_PYTHON = re.compile(r"^python(\d(\.\d+)?)?$")
_UVICORN_FLAGS = {
    "--reload", "--debug", "--factory", "--access-log", "--no-access-log", "--use-colors",
    "--no-use-colors", "--proxy-headers", "--no-proxy-headers", "--server-header",
    "--no-server-header", "--date-header", "--no-date-header", "--version", "--help",
    "--reset-contextvars",
}  # fmt: skip
_GUNICORN_FLAGS = {
    "--reload", "--preload", "--daemon", "-D", "-R", "--check-config", "--print-config",
    "--spew", "--capture-output", "--enable-stdio-inheritance", "--no-sendfile", "--reuse-port",
    "--strip-header-spaces", "--help", "-v", "--version", "--proxy-protocol",
    "--suppress-ragged-eofs", "--do-handshake-on-connect",
}  # fmt: skip
_GUNICORN_SHORT = {"-k": "worker_class", "-w": "workers", "-c": "config", "-b": "bind"}
_GUNICORN_LONG = {"--worker-class": "worker_class", "--workers": "workers"}
_INT = re.compile(r"^\d+$")
_MAX_TEXT = 90


def split_shell(text: str) -> list[list[str]]:
    """Simple commands of a shell line (split at ``&&``, ``;``, ``|``...)."""
    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        tokens = list(lexer)
    except ValueError:  # unbalanced quotes: fall back to whitespace
        tokens = text.split()
    commands: list[list[str]] = [[]]
    for token in tokens:
        if token in _SEPARATORS:
            commands.append([])
        else:
            commands[-1].append(token)
    return [c for c in commands if c]


def launches_in_shell(text: str, span: Span) -> Iterator[Launch]:
    for argv in split_shell(text):
        yield from launches_in_argv(argv, span)


def launches_in_argv(argv: list[str], span: Span) -> Iterator[Launch]:
    """``sh -c "..."`` recurses into the script; anything else is one command."""
    if argv and PurePath(argv[0]).name in _SHELLS and "-c" in argv[:-1]:
        yield from launches_in_shell(argv[argv.index("-c") + 1], span)
        return
    if (launch := launch_from_argv(argv, span)) is not None:
        yield launch


def launch_from_argv(argv: list[str], span: Span) -> Launch | None:
    """The uvicorn or gunicorn launch this argv performs, if it is one."""
    for index, token in enumerate(argv):
        name = PurePath(token).name
        rest: list[str] | None = None
        via: Via = "cli"
        if name in ("uvicorn", "gunicorn"):
            rest, via = argv[index + 1 :], "cli" if name == "uvicorn" else "gunicorn"
        elif _PYTHON.match(name):
            module, rest = _python_module(argv[index + 1 :])
            if module not in ("uvicorn", "gunicorn"):
                return None
            via = "cli" if module == "uvicorn" else "gunicorn"
        elif ("=" in token and index == 0) or _is_wrapper(argv[: index + 1]):
            continue
        else:
            return None
        text = _short(shlex.join(argv[index:]))
        if via == "cli":
            app, options = _uvicorn_options(rest)
        else:
            app, options = _gunicorn_options(rest)
        return Launch(
            span,
            via,
            "command",
            text,
            app="import-string" if app else "unknown",
            app_ref=app,
            options=options,
        )
    return None


def _is_wrapper(prefix: list[str]) -> bool:
    token = prefix[-1]
    return (
        token in _WRAPPERS
        or token.startswith("-")
        or ("=" in token and all("=" in t or t in _WRAPPERS for t in prefix))
    )


def _python_module(args: list[str]) -> tuple[str | None, list[str]]:
    """(module run with -m, the arguments after it) for a python argv tail."""
    for index, arg in enumerate(args):
        if arg == "-m" and index + 1 < len(args):
            return args[index + 1], args[index + 2 :]
        if arg.startswith("-m") and len(arg) > 2:
            return arg[2:], args[index + 1 :]
        if not arg.startswith("-"):
            return None, []  # a script: `python main.py`
    return None, []


def _uvicorn_options(args: list[str]) -> tuple[str | None, dict[str, OptionValue]]:
    app: str | None = None
    options: dict[str, OptionValue] = {}
    index = 0
    while index < len(args):
        arg = args[index]
        index += 1
        if arg.startswith("--"):
            key, eq, value = arg.partition("=")
            name = key[2:].replace("-", "_")
            if eq:
                options[name] = _value(value)
            elif key in _UVICORN_FLAGS:
                options[name] = True
            else:
                options[name] = _value(args[index]) if index < len(args) else None
                index += 1
        elif arg.startswith("-") and len(arg) > 1:
            options[arg.lstrip("-")] = True
        elif app is None:
            app = arg
    return app, options


def _gunicorn_options(args: list[str]) -> tuple[str | None, dict[str, OptionValue]]:
    app: str | None = None
    options: dict[str, OptionValue] = {}
    index = 0
    while index < len(args):
        arg = args[index]
        index += 1
        if arg in _GUNICORN_FLAGS:
            options[arg.lstrip("-").replace("-", "_")] = True
        elif arg.startswith("--"):
            key, eq, value = arg.partition("=")
            if not eq:
                value = args[index] if index < len(args) else ""
                index += 1
            options[_GUNICORN_LONG.get(key, key[2:].replace("-", "_"))] = _value(value)
        elif arg.startswith("-") and len(arg) > 1:
            key, value = arg[:2], arg[2:]
            if not value:
                value = args[index] if index < len(args) else ""
                index += 1
            options[_GUNICORN_SHORT.get(key, key[1:])] = _value(value)
        elif app is None:
            app = arg
    return app, options


def _value(text: str) -> OptionValue:
    if _INT.match(text):
        return int(text)
    if "$" in text:
        return None  # an environment variable: not known here
    return text


def _short(text: str) -> str:
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 3] + "..."


# --- file readers ----------------------------------------------------------------------


def _logical_lines(text: str, continuation: str = "\\") -> Iterator[tuple[int, str]]:
    """(first line number, joined text) with backslash continuations folded."""
    start, parts = 0, list[str]()
    for number, line in enumerate(text.splitlines(), start=1):
        if not parts:
            start = number
        stripped = line.rstrip()
        if stripped.endswith(continuation):
            parts.append(stripped[: -len(continuation)])
            continue
        parts.append(line)
        yield start, " ".join(p.strip() for p in parts)
        parts = []
    if parts:
        yield start, " ".join(p.strip() for p in parts)


def read_procfile(text: str, path: str) -> Iterator[Launch]:
    for number, line in enumerate(text.splitlines(), start=1):
        match = re.match(r"^\s*([\w.-]+)\s*:\s*(\S.*)$", line)
        if match and not line.lstrip().startswith("#"):
            yield from launches_in_shell(match.group(2), Span(path, number, match.start(2) + 1))


_INSTRUCTION = re.compile(r"^\s*(FROM|CMD|ENTRYPOINT)\s+(.*)$", re.IGNORECASE)


def read_dockerfile(text: str, path: str) -> Iterator[Launch]:
    """CMD and ENTRYPOINT; an exec-form ENTRYPOINT is prefixed to the stage's exec CMD."""
    entrypoint: tuple[list[str], Span] | None = None
    for number, line in _logical_lines(text):
        match = _INSTRUCTION.match(line)
        if not match or line.lstrip().startswith("#"):
            continue
        keyword, value = match.group(1).upper(), match.group(2).strip()
        span = Span(path, number, match.start(2) + 1)
        if keyword == "FROM":
            if entrypoint is not None:
                yield from launches_in_argv(entrypoint[0], entrypoint[1])
            entrypoint = None
            continue
        argv = _exec_form(value)
        if keyword == "ENTRYPOINT":
            if entrypoint is not None:
                yield from launches_in_argv(entrypoint[0], entrypoint[1])
            entrypoint = None
            if argv is None:
                yield from launches_in_shell(value, span)
            else:
                entrypoint = (argv, span)
        elif argv is None:
            yield from launches_in_shell(value, span)
        elif entrypoint is not None:
            yield from launches_in_argv(entrypoint[0] + argv, span)
            entrypoint = None
        else:
            yield from launches_in_argv(argv, span)
    if entrypoint is not None:
        yield from launches_in_argv(entrypoint[0], entrypoint[1])


def _exec_form(value: str) -> list[str] | None:
    if not value.startswith("["):
        return None
    try:
        parsed = json.loads(value)
    except ValueError:
        return None
    return [str(v) for v in parsed] if isinstance(parsed, list) else None


def read_shell(text: str, path: str) -> Iterator[Launch]:
    for number, line in _logical_lines(text):
        if line.lstrip().startswith("#") or ("uvicorn" not in line and "gunicorn" not in line):
            continue
        column = len(line) - len(line.lstrip()) + 1
        yield from launches_in_shell(line, Span(path, number, column))


# --- docker-compose ----------------------------------------------------------------------

# (service, key, value: str or list of str, line, column)
ComposeItem = tuple[str, str, "str | list[str]", int, int]


def read_compose(text: str, path: str) -> Iterator[Launch]:
    """``command:``/``entrypoint:`` of each service; the two combine like in Docker.

    Read with PyYAML's node tree (it keeps positions); invalid YAML raises
    ``yaml.YAMLError`` (the file reader reports the file as skipped, with the line).
    """
    items = _compose_items(text)
    by_service: dict[str, dict[str, tuple[str | list[str], Span]]] = {}
    for service, key, value, line, column in items:
        by_service.setdefault(service, {})[key] = (value, Span(path, line, column))
    for keys in by_service.values():
        command, entrypoint = keys.get("command"), keys.get("entrypoint")
        if command and entrypoint and isinstance(entrypoint[0], list):
            argv = entrypoint[0] + _as_argv(command[0])
            yield from launches_in_argv(argv, command[1])
            continue
        for found in (entrypoint, command):
            if found is None:
                continue
            value, span = found
            if isinstance(value, list):
                yield from launches_in_argv(value, span)
            else:
                yield from launches_in_shell(value, span)


def _as_argv(value: str | list[str]) -> list[str]:
    if isinstance(value, list):
        return value
    try:
        return shlex.split(value)
    except ValueError:
        return value.split()


def _compose_items(text: str) -> list[tuple[str, str, str | list[str], int, int]]:
    import yaml

    root: Any = yaml.compose(text, Loader=yaml.SafeLoader)
    out: list[tuple[str, str, str | list[str], int, int]] = []
    services = _mapping_get(root, "services")
    if services is None or not isinstance(services, yaml.MappingNode):
        return out
    for name_node, service in services.value:
        if not isinstance(service, yaml.MappingNode):
            continue
        for key_node, value in service.value:
            if key_node.value not in ("command", "entrypoint"):
                continue
            mark = value.start_mark
            if isinstance(value, yaml.ScalarNode):
                out.append((name_node.value, key_node.value, str(value.value), *_pos(mark)))
            elif isinstance(value, yaml.SequenceNode):
                argv = [str(v.value) for v in value.value if isinstance(v, yaml.ScalarNode)]
                out.append((name_node.value, key_node.value, argv, *_pos(mark)))
    return out


def _pos(mark: Any) -> tuple[int, int]:
    return int(mark.line) + 1, int(mark.column) + 1


def _mapping_get(node: Any, key: str) -> Any:
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return None
    return next((v for k, v in node.value if getattr(k, "value", None) == key), None)


# --- pyproject.toml ----------------------------------------------------------------------


def read_pyproject(text: str, path: str) -> Iterator[Launch]:
    """Task strings under ``[tool.*]`` (poe, pdm, hatch, taskipy, rye...) and scripts.

    Invalid TOML raises ``tomllib.TOMLDecodeError`` (the reader reports the file as
    skipped, with the line)."""
    import tomllib

    data = tomllib.loads(text)
    tables: list[Any] = [data.get("tool", {}), data.get("project", {}).get("scripts", {})]
    lines = text.splitlines()
    for command in _strings(tables):
        if "uvicorn" not in command and "gunicorn" not in command:
            continue
        first = command.strip().splitlines()[0] if command.strip() else command
        number = next((n for n, line in enumerate(lines, 1) if first in line), 1)
        column = lines[number - 1].find(first) + 1 if lines else 1
        yield from launches_in_shell(command, Span(path, number, max(column, 1)))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
