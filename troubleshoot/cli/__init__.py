"""The ``doctor`` command line: thin commands over the service modules.

Each command group lives in its own module and registers itself on ``app``.
``main`` is the one place where a :class:`DoctorError` becomes a message on
stderr and an exit code.
"""

from __future__ import annotations

import sys

import typer

from troubleshoot.errors import DoctorError

app = typer.Typer(
    name="doctor",
    help="Diagnose uvicorn failures: paste a traceback, check an environment, read the fixes.",
    no_args_is_help=False,
    invoke_without_command=True,
    pretty_exceptions_enable=False,
    add_completion=True,
    rich_markup_mode=None,
)

# Command modules register themselves on `app` when imported.
from troubleshoot.cli import browse, check_env, interactive, kb, paste, repro, scan, site  # noqa: E402

__all__ = [
    "app",
    "browse",
    "check_env",
    "interactive",
    "kb",
    "main",
    "paste",
    "repro",
    "scan",
    "site",
]


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except DoctorError as exc:
        sys.stderr.write(f"doctor: error: {exc.message}\n")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("\ndoctor: interrupted\n")
        sys.exit(130)
    except SystemExit as exc:
        if exc.code == 130:  # typer turns Ctrl-C into a silent exit 130: say so
            sys.stderr.write("\ndoctor: interrupted\n")
        raise
    except BrokenPipeError:
        # `doctor ... | head`: the reader left; say nothing more on a closed pipe.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
