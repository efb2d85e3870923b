"""``python -m reference_server``: options derived from :class:`Settings`, nothing else."""

from __future__ import annotations

import argparse
import dataclasses
import sys
import types
import typing
from collections.abc import Sequence
from typing import Any

from reference_server.errors import ServerError
from reference_server.logs import Logger
from reference_server.settings import Settings, cli_fields


def _scalar_type(annotation: Any) -> Any:
    """``int | None`` -> int; ``tuple[str, ...]`` -> str."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _scalar_type(args[0])
    if origin is tuple:
        return typing.get_args(annotation)[0]
    return annotation


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m reference_server",
        description="The uvicorn-doctor reference ASGI server (HTTP/1.1, reload, workers, TLS).",
    )
    parser.add_argument("app", metavar="MODULE:ATTR", help="the ASGI application to serve")
    hints = typing.get_type_hints(Settings)
    for f in cli_fields():
        flag = f.metadata["flag"] or "--" + f.name.replace("_", "-")
        kind = _scalar_type(hints[f.name])
        default = f.default
        help_text = f.metadata["help"]
        if kind is bool and f.metadata["negatable"]:
            parser.add_argument(
                flag,
                dest=f.name,
                action=argparse.BooleanOptionalAction,
                default=default,
                help=help_text,
            )
        elif kind is bool:
            parser.add_argument(flag, dest=f.name, action="store_true", help=help_text)
        elif f.metadata["multiple"]:
            parser.add_argument(
                flag, dest=f.name, action="append", type=kind, default=None, help=help_text
            )
        else:
            shown = "" if default is None else f" (default: {default})"
            parser.add_argument(
                flag,
                dest=f.name,
                type=kind,
                default=default,
                choices=f.metadata["choices"],
                help=help_text + shown,
            )
    return parser


def parse(argv: Sequence[str]) -> Settings:
    namespace = vars(build_parser().parse_args(argv))
    values = {
        name: tuple(value) if isinstance(value, list) else value
        for name, value in namespace.items()
        if value is not None or name in {f.name for f in dataclasses.fields(Settings)}
    }
    for name in ("reload_dirs", "reload_includes", "reload_excludes"):
        if values.get(name) is None:
            values[name] = ()
    return Settings(**values)  # type: ignore[arg-type]


def main(argv: Sequence[str] | None = None) -> int:
    """Parse, serve, and turn a typed error into its exit code (the process entry)."""
    from reference_server.server import serve

    settings = parse(sys.argv[1:] if argv is None else argv)
    try:
        return serve(settings)
    except ServerError as exc:
        Logger(settings.log_level).fatal(exc)
        return exc.exit_code
