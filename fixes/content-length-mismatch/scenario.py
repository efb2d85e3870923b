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
``httptools-runtimeerror``). ``fix-length-from-body`` serves app_fixed.py,
which computes the header from the body: no error, full bodies.

Two common sources of the mismatch, each with its fix (h11 on uvicorn; one
request, then ``/``; ``fixed``/``reproduces`` as above, the reference
server's ``protocol_error`` counting as named for the failure scenarios
only):

- ``body-with-204``: app_204.py answers ``GET /deleted`` with ``204`` and
  the body ``null`` (``content-length: 4``), as older FastAPI did for a 204
  route returning ``None``; a 204 carries no body, so h11 counts 4 bytes
  against 0. ``fix-no-body-204`` serves app_204_fixed.py (a 204 without a
  body): ``fixed`` on a clean 204 and no error.
- ``middleware-keeps-length``: app_middleware.py's middleware appends a
  footer to the body of ``GET /page`` and forwards the old
  ``content-length``. ``fix-middleware-drops-length`` serves
  app_middleware_fixed.py, whose middleware deletes the header: ``fixed``
  when the whole rewritten body arrives and nothing is logged.
"""

from __future__ import annotations

import re

from troubleshoot.harness.api import Run, ServerSpec, Verdict, fixed, reproduces, scenario, tail

SIGNS = {
    "h11-local-protocol-error": r"LocalProtocolError: Too (?:much|little) data for declared "
    r"Content-Length",
    "httptools-runtimeerror": r"RuntimeError: Response content (?:longer|shorter) than "
    r"Content-Length",
}
NAMED = r"protocol_error reason=\"response body (?:longer|shorter) than Content-Length[^\"]*"
HTTPTOOLS = {">=0.12": ["httptools"]}


def _reference_has_no_httptools(spec: ServerSpec) -> str | None:
    if spec.kind == "reference":
        return "the reference server has one HTTP implementation (h11); httptools is uvicorn's"
    return None


def _serve(run: Run, http: str | None) -> Verdict:
    port = run.port()
    args = ["app:app", "--host", "127.0.0.1", "--port", str(port)]
    if http is not None:
        args += ["--http", http]
    proc = run.start_cli(*args)
    run.step(f"waiting for HTTP on port {port}")
    if not run.wait_serving(proc, port):
        return reproduces("no-start", "the server did not serve GET /", tail(proc.output()))
    seen = []
    for path in ("/too-much", "/too-little"):
        got = run.get(port, path)
        seen.append(f"GET {path}: {got.status or got.error}")
    after = run.get(port, "/")
    proc.wait_for("|".join([*SIGNS.values(), NAMED]), 3)
    text = proc.output()
    for kind, pattern in SIGNS.items():
        found = re.findall(pattern, text)
        if found:
            how = f"{len(found)} tracebacks; " + "; ".join(seen)
            return reproduces(kind, how, "\n".join(dict.fromkeys(found)))
    named = re.findall(NAMED, text)
    if len(named) == 2 and after.ok:
        return fixed("named-mismatch", "both mismatches named; still serving", "\n".join(named))
    if not named and after.ok and all(": 200" in s for s in seen):
        return fixed("consistent-length", "full bodies, no error: " + "; ".join(seen), tail(text))
    return reproduces("other", f"{'; '.join(seen)}; then GET /: {after.status}", tail(text))


@scenario("h11")
def h11(run: Run) -> Verdict:
    return _serve(run, "h11" if not run.is_reference else None)


@scenario("httptools", requires=_reference_has_no_httptools, extras=HTTPTOOLS)
def httptools(run: Run) -> Verdict:
    return _serve(run, "httptools")


@scenario("fix-length-from-body")
def fix_length_from_body(run: Run) -> Verdict:
    run.copy("app_fixed.py", "app.py")
    return _serve(run, "h11" if not run.is_reference else None)


ANY_NAMED = r"protocol_error reason=\"[^\"]*"


def _one(run: Run, app: str, path: str, want: tuple[int, str], *, fix: bool) -> Verdict:
    run.copy(app, "app.py")
    port = run.port()
    args = ["app:app", "--host", "127.0.0.1", "--port", str(port)]
    proc = run.start_cli(*args, *([] if run.is_reference else ["--http", "h11"]))
    run.step(f"waiting for HTTP on port {port}")
    if not run.wait_serving(proc, port):
        return reproduces("no-start", "the server did not serve GET /", tail(proc.output()))
    got = run.get(port, path)
    after = run.get(port, "/")
    proc.wait_for("|".join([*SIGNS.values(), ANY_NAMED]), 3)
    text = proc.output()
    seen = f"GET {path}: {got.status or got.error} {got.text!r}; then GET /: {after.status}"
    for kind, pattern in SIGNS.items():
        if found := re.search(pattern, text):
            return reproduces(kind, seen, found[0])
    if (found := re.search(ANY_NAMED, text)) and after.ok and not fix:
        return fixed("named-mismatch", f"{seen}; the mismatch is named", found[0])
    errors = re.search(r"Traceback|Exception in ASGI|app_error|protocol_error", text)
    if (got.status, got.text) == want and after.ok and errors is None:
        return fixed("consistent-length", f"{seen}; no error", tail(text, 2))
    return reproduces("other", seen, tail(text))


@scenario("body-with-204")
def body_with_204(run: Run) -> Verdict:
    return _one(run, "app_204.py", "/deleted", (204, ""), fix=False)


@scenario("fix-no-body-204")
def fix_no_body_204(run: Run) -> Verdict:
    return _one(run, "app_204_fixed.py", "/deleted", (204, ""), fix=True)


PAGE = (200, "hello, world -- served by proxy")


@scenario("middleware-keeps-length")
def middleware_keeps_length(run: Run) -> Verdict:
    return _one(run, "app_middleware.py", "/page", PAGE, fix=False)


@scenario("fix-middleware-drops-length")
def fix_middleware_drops_length(run: Run) -> Verdict:
    return _one(run, "app_middleware_fixed.py", "/page", PAGE, fix=True)
