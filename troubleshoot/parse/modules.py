"""Derive the dotted module name of a traceback frame from its file path.

Rules, first match wins:

* ``<frozen importlib._bootstrap>`` -> ``importlib._bootstrap``;
* a path through ``site-packages``/``dist-packages`` (or an ``.egg``) -> the part after
  it (``.../site-packages/uvicorn/supervisors/statreload.py`` ->
  ``uvicorn.supervisors.statreload``; ``__init__.py`` names the package);
* the standard library (``.../lib/python3.7/...``, ``C:\\Python37\\Lib\\...``) -> the part
  after the library folder;
* a *relative* path (``app/main.py``, ``./uvicorn/main.py``, Cython's
  ``uvloop/loop.pyx``) -> the dotted path, since Python printed it relative to the
  working directory, which is then on ``sys.path``;
* anything else (an absolute application path, ``<stdin>``, ``<string>``) -> None:
  where its package root is cannot be known from the path alone.
"""

from __future__ import annotations

import re

_PACKAGE_ROOTS = ("/site-packages/", "/dist-packages/")
_STDLIB = re.compile(r"/lib/python\d(?:\.\d{1,2})?t?/", re.IGNORECASE)
_WIN_STDLIB = re.compile(r"/python\d{0,3}[^/]{0,20}/(?:[^/]{1,20}/)?lib/", re.IGNORECASE)
_EXTENSIONS = (".py", ".pyx", ".pyw", ".pyc")


def _dotted(relative: str) -> str | None:
    """``uvicorn/main.py`` -> ``uvicorn.main``; None when a part is no identifier."""
    for ext in _EXTENSIONS:
        if relative.endswith(ext):
            relative = relative[: -len(ext)]
            break
    else:
        return None
    parts = [p for p in relative.split("/") if p and p != "."]
    if parts and parts[-1] == "__init__":
        parts.pop()
    if not parts or not all(p.isidentifier() for p in parts):
        return None
    return ".".join(parts)


def module_for(path: str) -> str | None:
    """The dotted module a frame's file belongs to, or None when the path cannot tell."""
    if path.startswith("<frozen ") and path.endswith(">"):
        name = path[len("<frozen ") : -1]
        return name if all(p.isidentifier() for p in name.split(".")) else None
    if path.startswith("<"):
        return None
    posix = path.replace("\\", "/")
    egg = posix.rfind(".egg/")
    if egg >= 0:
        return _dotted(posix[egg + len(".egg/") :])
    for root in _PACKAGE_ROOTS:
        at = posix.rfind(root)
        if at >= 0:
            return _dotted(posix[at + len(root) :])
    stdlib = _STDLIB.search(posix)
    if stdlib is not None:
        return _dotted(posix[stdlib.end() :])
    if ":/" in posix[:3] or posix.startswith("//"):
        win = _WIN_STDLIB.search(posix)
        return _dotted(posix[win.end() :]) if win else None
    if posix.startswith(("/", "~")):
        return None
    return _dotted(posix)
