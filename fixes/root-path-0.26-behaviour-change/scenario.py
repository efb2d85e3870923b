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
  (``app:prefixed``); ``fixed`` when ``GET /api/items`` answers 200. Not
  applicable to the reference server (pinned Starlette).
"""

from __future__ import annotations

from troubleshoot.harness.api import Run, Verdict, scenario, uvicorn_only

# Bisect around the change (0.26.0) only; --root-path exists long before.
RELEASES = ">=0.20.0"

OLD_STARLETTE = {">=0.20.0": ["starlette==0.32.0.post1"]}
NEW_STARLETTE = {">=0.20.0": ["starlette==0.35.1"]}
READY = r"Uvicorn running on|reference_server: (?:worker_ready|startup_done)"
PINNED_STARLETTE = uvicorn_only(
    "needs a pinned Starlette release installed next to the server; the "
    "reference server runs on the doctor's own interpreter, which has none "
    "(its root_path handling is checked by fix-route-path)"
)


@scenario(
    "old-starlette-root-path",
    "app:app",
    "--root-path",
    "/api",
    requires=PINNED_STARLETTE,
    extras=OLD_STARLETTE,
)
@scenario(
    "fix-starlette-0.35",
    "app:app",
    "--root-path",
    "/api",
    requires=PINNED_STARLETTE,
    extras=NEW_STARLETTE,
)
@scenario("fix-route-path", "app_plain:app", "--root-path", "/api", extras={})
@scenario(
    "fix-root-path-one-place",
    "app:prefixed",
    path="/api/items",
    requires=PINNED_STARLETTE,
    extras=OLD_STARLETTE,
)
def _run(run: Run, app: str, *option: str, path: str = "/items") -> Verdict:
    # Not GET /: on an affected pair "/" is routed as "/api/" and answers 404 too.
    launch = run.launch_cli(app, *option, wait=False)
    if launch.wait_for(READY, 20) is None:
        return launch.unsupported() or launch.reproduces("no-start", "the server did not start")
    got = launch.get(path)
    if got.status == 200 and got.text.startswith("items"):
        return launch.fixed("routed", f"GET {path} -> 200 ({got.text})", got.text)
    if got.status == 404:
        line = launch.find(r'[^\n]*"GET \S*/items HTTP/1\.1" 404[^\n]*') or "404"
        reason = f"GET {path} -> 404: the router saw /api/items"
        return launch.reproduces("prefixed-path-404", reason, line)
    return launch.reproduces("other", f"GET {path} -> {got.status} {got.error}")
