"""content-length-mismatch: the app sends more, or fewer, body bytes than its Content-Length.

The trigger is an application bug; what the server does with it is what the
repro checks. ``h11`` runs uvicorn's h11 implementation, ``httptools`` its
httptools one (httptools installed next to the release); each requests
``/too-much`` (declares 2 bytes, sends 12) and ``/too-little`` (declares 50,
sends 12), then ``/`` to see the worker still serves.

Correct behaviour (``fixed``): the server names the mismatch (declared and
sent sizes) and keeps serving: the reference server's ``protocol_error``. The
failure as users see it (``reproduces``): ``Exception in ASGI application``
followed by h11's ``LocalProtocolError: Too much/Too little data for declared
Content-Length`` (kind ``h11-local-protocol-error``) or httptools' ``RuntimeError:
Response content longer/shorter than Content-Length`` (kind
``httptools-runtimeerror``). ``fix-length-from-body`` serves app.py's ``fixed``,
which computes the header from the body: no error, full bodies.

Two common sources of the mismatch, each with its fix (h11 on uvicorn; one
request, then ``/``; ``fixed``/``reproduces`` as above, the reference
server's ``protocol_error`` counting as named for the failure scenarios
only):

- ``body-with-204``: app_204.py answers ``GET /deleted`` with ``204`` and
  the body ``null`` (``content-length: 4``), as older FastAPI did for a 204
  route returning ``None``; a 204 carries no body, so h11 counts 4 bytes
  against 0. ``fix-no-body-204`` serves app_204.py's ``fixed`` (a 204 without
  a body): ``fixed`` on a clean 204 and no error.
- ``middleware-keeps-length``: app_middleware.py's middleware appends a
  footer to the body of ``GET /page`` and forwards the old
  ``content-length``. ``fix-middleware-drops-length`` serves
  app_middleware.py's ``fixed``, whose middleware deletes the header: ``fixed``
  when the whole rewritten body arrives and nothing is logged.
"""

from __future__ import annotations

import re

from troubleshoot.harness.api import Run, Verdict, per_http, scenario

SIGNS = {
    "h11-local-protocol-error": r"LocalProtocolError: Too (?:much|little) data for declared "
    r"Content-Length",
    "httptools-runtimeerror": r"RuntimeError: Response content (?:longer|shorter) than "
    r"Content-Length",
}
NAMED = r"protocol_error reason=\"response body (?:longer|shorter) than Content-Length[^\"]*"
ANY_NAMED = r"protocol_error reason=\"[^\"]*"
ERRORS = r"Traceback|Exception in ASGI|app_error|protocol_error"
HTTPTOOLS = {">=0.12": ["httptools"]}
PAGE = (200, "hello, world -- served by proxy")


@per_http(HTTPTOOLS, "app:app")
@scenario("fix-length-from-body", "app:fixed")
def _serve(run: Run, target: str, http: str = "h11") -> Verdict:
    launch = run.launch_cli(target, http=http, timeout=20)
    if early := launch.unserved("no-start"):
        return early
    seen = []
    for path in ("/too-much", "/too-little"):
        got = launch.get(path)
        seen.append(f"GET {path}: {got.status or got.error}")
    after = launch.get("/")
    launch.wait_for("|".join([*SIGNS.values(), NAMED]), 3)
    for kind, pattern in SIGNS.items():
        if found := re.findall(pattern, launch.text):
            how = f"{len(found)} tracebacks; " + "; ".join(seen)
            return launch.reproduces(kind, how, "\n".join(dict.fromkeys(found)))
    named = re.findall(NAMED, launch.text)
    if len(named) == 2 and after.ok:
        why = "both mismatches named; still serving"
        return launch.fixed("named-mismatch", why, "\n".join(named))
    if not named and after.ok and all(": 200" in s for s in seen):
        why = "full bodies, no error: " + "; ".join(seen)
        return launch.fixed("consistent-length", why, launch.tail())
    return launch.reproduces("other", f"{'; '.join(seen)}; then GET /: {after.status}")


@scenario("body-with-204", "app_204:app", "/deleted", (204, ""), fix=False)
@scenario("fix-no-body-204", "app_204:fixed", "/deleted", (204, ""), fix=True)
@scenario("middleware-keeps-length", "app_middleware:app", "/page", PAGE, fix=False)
@scenario("fix-middleware-drops-length", "app_middleware:fixed", "/page", PAGE, fix=True)
def _one(run: Run, target: str, path: str, want: tuple[int, str], *, fix: bool) -> Verdict:
    launch = run.launch_cli(target, http="h11", timeout=20)
    if early := launch.unserved("no-start"):
        return early
    got, after = launch.get(path), launch.get("/")
    launch.wait_for("|".join([*SIGNS.values(), ANY_NAMED]), 3)
    seen = f"GET {path}: {got.status or got.error} {got.text!r}; then GET /: {after.status}"
    if hit := launch.sign(SIGNS):
        return launch.reproduces(hit[0], seen, hit[1])
    if (found := launch.find(ANY_NAMED)) and after.ok and not fix:
        return launch.fixed("named-mismatch", f"{seen}; the mismatch is named", found)
    if (got.status, got.text) == want and after.ok and launch.find(ERRORS) is None:
        return launch.fixed("consistent-length", f"{seen}; no error")
    return launch.reproduces("other", seen)
