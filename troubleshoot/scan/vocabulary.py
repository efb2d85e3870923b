"""The ``doctor scan`` detectors a KB ``code`` signature can name, and their arguments.

:mod:`troubleshoot.schema` validates an entry's ``detector`` and ``args`` against
this vocabulary; :mod:`troubleshoot.scan.detectors` implements the detectors.
"""

from __future__ import annotations

# `doctor scan` detectors a `code` signature can name, and the arguments each
# takes: (type, allowed values or None). A str argument with allowed values may
# also be an array of them ("any of"); `regex` arguments must compile.
_LAUNCH_VIA = ("python", "cli", "gunicorn")
_LAUNCH_CALL = ("run", "config", "server-run", "command", "gunicorn-config")
CODE_DETECTORS: dict[str, dict[str, tuple[str, tuple[str, ...] | None]]] = {
    "launch": {
        "via": ("choice", _LAUNCH_VIA),
        "call": ("choice", _LAUNCH_CALL),
        "app": ("choice", ("object", "import-string")),
        "reload": ("bool", None),
        "workers_gt": ("int", None),
        "option": ("choice", None),
        "guard": ("choice", ("missing",)),
        "context": ("choice", ("async", "notebook", "import-loop")),
        "worker_class": ("regex", None),
    },
    "import": {"module": ("regex", None)},
    "module-file": {"name": ("choice", None)},
}
REQUIRED_CODE_ARGS = {"import": {"module"}, "module-file": {"name"}}
