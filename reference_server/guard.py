"""Refuse, with the fix spelled out, the two mistakes that break child processes.

1. An application *object* cannot be sent to a spawned worker or reloaded:
   children must import it (uvicorn #478 family).
2. ``run(reload=True)`` / ``run(workers=2)`` executed at import time of
   ``__main__`` without an ``if __name__ == "__main__":`` guard re-runs in every
   spawned child (uvicorn #1045 / #949 family). We detect it in the parent by
   reading ``__main__``'s source around the calling line, and in a spawned
   child (where ``__main__`` is named ``__mp_main__``) as a fallback.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any

from reference_server.errors import AppObjectNotImportable, MainGuardMissing

GUARD_FIX = """put the call under the main guard:

    if __name__ == "__main__":
        reference_server.run("{target}", {options})
"""


def check_app_object(app: Any, options: str, caller: FrameType | None) -> None:
    """``app`` is an object while reload/workers need an import string: explain how."""
    target = suggest_import_string(app, caller) or "module:app"
    raise AppObjectNotImportable(
        f"{options} needs the application as an import string, not an object: each "
        f"child process imports it by name (and reload re-imports your changed code).\n"
        f'  Use: reference_server.run("{target}", {options})\n'
        f"  or:  python -m reference_server {target} "
        + options.replace("reload=True", "--reload").replace("workers=", "--workers ")
    )


def suggest_import_string(app: Any, caller: FrameType | None) -> str | None:
    """Find ``module:name`` under which ``app`` is reachable from the caller's module."""
    if caller is None:
        return None
    module_name = caller.f_globals.get("__name__", "")
    if module_name in ("__main__", "__mp_main__"):
        file = caller.f_globals.get("__file__")
        module_name = Path(file).stem if file else ""
    for name, value in caller.f_globals.items():
        if value is app and not name.startswith("_"):
            return f"{module_name}:{name}" if module_name else None
    return None


def _main_module() -> ModuleType | None:
    return sys.modules.get("__main__")


def _module_level_frame(start: FrameType | None, main: ModuleType) -> FrameType | None:
    """The frame executing ``__main__``'s top-level code, if it is on the stack."""
    frame = start
    while frame is not None:
        if frame.f_globals is vars(main) and frame.f_code.co_name == "<module>":
            return frame
        frame = frame.f_back
    return None


def _is_main_guard(test: ast.expr) -> bool:
    if not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return False
    if not isinstance(test.ops[0], ast.Eq):
        return False
    sides = [test.left, test.comparators[0]]
    names = [s for s in sides if isinstance(s, ast.Name) and s.id == "__name__"]
    consts = [s for s in sides if isinstance(s, ast.Constant) and s.value == "__main__"]
    return len(names) == 1 and len(consts) == 1


def line_is_guarded(source: str, lineno: int) -> bool | None:
    """Is ``lineno`` inside an ``if __name__ == "__main__":`` body? None if unknown."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_main_guard(node.test):
            first = node.body[0].lineno
            last = node.body[-1].end_lineno or node.body[-1].lineno
            if first <= lineno <= last:
                return True
    return False


def check_main_guard(target: str, options: str, caller: FrameType | None) -> None:
    """Raise :class:`MainGuardMissing` when run() executes as ``__main__`` is imported."""
    main = _main_module()
    if main is None:
        return
    frame = _module_level_frame(caller, main)
    if frame is None:
        return  # called from a function that runs later, or not from __main__ at all
    fix = GUARD_FIX.format(target=target, options=options)
    if main.__name__ == "__mp_main__":
        raise MainGuardMissing(
            f"reference_server.run({options}) ran again inside a spawned child process: "
            f"the script calls it at import time.\n  Fix: {fix}"
        )
    file = getattr(main, "__file__", None)
    if not file:
        return
    try:
        source = Path(file).read_text(encoding="utf-8")
    except OSError:
        return
    if line_is_guarded(source, frame.f_lineno) is False:
        raise MainGuardMissing(
            f"reference_server.run({options}) is called at import time of the script "
            f"{Path(file).name} (line {frame.f_lineno}) without a main guard. Every worker "
            f"or reload child imports that script again, which would start servers "
            f"recursively.\n  Fix: {fix}"
        )
