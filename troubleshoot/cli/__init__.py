"""The ``doctor`` command line: thin commands over the service modules.

``app`` lives in ``troubleshoot.cli.app``; each command group lives in its own
module and registers itself on it when imported here (the command modules import
``cli.app``, never this package, so nothing imports back). ``main`` is the one
place where a :class:`DoctorError` becomes a message on stderr and an exit code.
"""

from __future__ import annotations

import sys

from troubleshoot.cli import browse, check_env, interactive, kb, paste, repro, scan, site
from troubleshoot.cli.app import app
from troubleshoot.errors import DoctorError

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
