"""root-path-0.26-behaviour-change: ``--root-path`` is part of ``scope["path"]`` from 0.26.0.

Every scenario runs the server with ``--root-path /api`` and requests
``GET /items``, as a reverse proxy that strips the ``/api`` prefix forwards
``/api/items``.

- ``old-starlette-root-path`` (Starlette 0.32.0.post1, the last release before the framework learnt
  the ASGI 2.4 rule): ``fixed`` when ``/items`` answers 200; ``reproduces``
  (kind ``prefixed-path-404``) when it answers 404 because the server put the
  prefix into ``scope["path"]`` (``/api/items``) and the router does not take
  it off again. Not applicable to the reference server: it runs on the
  doctor's own interpreter and cannot install a pinned Starlette.
- ``fix-starlette-0.35``: the same app on Starlette 0.35.1 (what FastAPI
  0.109.0 requires), which routes on the path minus ``root_path``.
- ``fix-route-path``: a plain ASGI app that removes ``root_path`` from the
  path when it is there; no third-party package, so the reference server
  (which follows ASGI 2.4: ``root_path`` prefixed to ``path``) runs it too.
- ``fix-root-path-one-place``: the configuration fix for the same old
  Starlette (0.32.0.post1): the proxy forwards ``/api/items`` unchanged, no
  ``--root-path`` is given, and the routes are declared under ``/api``
  (app_prefixed.py); ``fixed`` when ``GET /api/items`` answers 200. Not
  applicable to the reference server (pinned Starlette).
"""

from __future__ import annotations

import re

from troubleshoot.harness.api import (
    Run,
    ServerSpec,
    Verdict,
    fixed,
    not_applicable,
    reproduces,
    scenario,
    tail,
)

# Bisect around the change (0.26.0) only; --root-path exists long before.
RELEASES = ">=0.20.0"

OLD_STARLETTE = {">=0.20.0": ["starlette==0.32.0.post1"]}
NEW_STARLETTE = {">=0.20.0": ["starlette==0.35.1"]}
READY = r"Uvicorn running on|reference_server: (?:worker_ready|startup_done)"


def _needs_pinned_starlette(spec: ServerSpec) -> str | None:
    if spec.kind == "reference":
        return (
            "needs a pinned Starlette release installed next to the server; the "
            "reference server runs on the doctor's own interpreter, which has none "
            "(its root_path handling is checked by fix-route-path)"
        )
    return None


def _run(run: Run, app: str, *, root_path: str | None = "/api", path: str = "/items") -> Verdict:
    port = run.port()
    option = ["--root-path", root_path] if root_path is not None else []
    proc = run.start_cli(app, "--host", "127.0.0.1", "--port", str(port), *option)
    run.step(f"waiting for the server on port {port}")
    # Not GET /: on an affected pair "/" is routed as "/api/" and answers 404 too.
    if not proc.wait_for(READY, 20):
        reason = run.unsupported(proc.output())
        if reason:
            return not_applicable(reason)
        return reproduces("no-start", "the server did not start", tail(proc.output()))
    run.step(f"GET {path}, with {' '.join(option) or 'no --root-path'}")
    got = run.get(port, path)
    if got.status == 200 and got.text.startswith("items"):
        return fixed("routed", f"GET {path} -> 200 ({got.text})", got.text)
    if got.status == 404:
        line = next(
            (
                ln
                for ln in proc.output().splitlines()
                if re.search(r'"GET \S*/items HTTP/1\.1" 404', ln)
            ),
            "",
        )
        return reproduces(
            "prefixed-path-404", f"GET {path} -> 404: the router saw /api/items", line or "404"
        )
    return reproduces("other", f"GET {path} -> {got.status} {got.error}", tail(proc.output()))


@scenario("old-starlette-root-path", requires=_needs_pinned_starlette, extras=OLD_STARLETTE)
def old_starlette_root_path(run: Run) -> Verdict:
    return _run(run, "app:app")


@scenario("fix-starlette-0.35", requires=_needs_pinned_starlette, extras=NEW_STARLETTE)
def fix_starlette_035(run: Run) -> Verdict:
    return _run(run, "app:app")


@scenario("fix-route-path", extras={})
def fix_route_path(run: Run) -> Verdict:
    return _run(run, "app_plain:app")


@scenario("fix-root-path-one-place", requires=_needs_pinned_starlette, extras=OLD_STARLETTE)
def fix_root_path_one_place(run: Run) -> Verdict:
    return _run(run, "app_prefixed:app", root_path=None, path="/api/items")
