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
