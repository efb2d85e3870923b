"""asgi-message-after-response-complete: a middleware sends a 500 after the response completed.

The route of app.py answers 200 and then raises; the app's error middleware
catches it and sends ``http.response.start`` again. ``second-response``
requests ``/fails-after-response`` and then ``/``.

Correct behaviour (``fixed``): the server names the protocol violation
(``protocol_error``: a message after the response was complete) and keeps
serving, or, once the app is fixed, logs only the app's own ``ValueError``.
The failure (``reproduces``): uvicorn's ``RuntimeError: Unexpected ASGI message
'http.response.start' sent, after response already completed.`` in an
``Exception in ASGI application`` traceback, which hides the ``ValueError``
that caused it in the "During handling" chain (kind ``unexpected-asgi-message``).
``fix-respond-once`` serves app_fixed.py, whose middleware only responds when
nothing was sent: the log shows the ValueError and no RuntimeError.

The other shape, two components answering one request:
``route-calls-inner-app`` serves app_inner_call.py, whose ``/graphql`` route
calls an inner ASGI app with the request's ``send`` and then sends its own
response too (``reproduces`` and ``fixed`` as above; the request is
``/graphql``). ``fix-mount-inner-app`` serves app_mounted.py, where the inner
app is mounted at ``/graphql`` and is the only responder: ``fixed`` when
``/graphql`` answers with the inner app's body and nothing is logged.
"""

from __future__ import annotations

import re

from troubleshoot.harness.api import Run, Verdict, fixed, reproduces, scenario, tail

UNEXPECTED = (
    r"RuntimeError: Unexpected ASGI message '[\w.]+' sent, after response already completed\."
)
NAMED = r"protocol_error reason=\"app sent '[\w.]+' after the response was complete\""
APP_ERROR = r"ValueError: audit log write failed after the response was sent"


def _serve(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli("app:app", "--host", "127.0.0.1", "--port", str(port))
    run.step(f"waiting for HTTP on port {port}")
    if not run.wait_serving(proc, port):
        return reproduces("no-start", "the server did not serve GET /", tail(proc.output()))
    first = run.get(port, "/fails-after-response")
    after = run.get(port, "/")
    proc.wait_for(f"{UNEXPECTED}|{NAMED}|{APP_ERROR}", 3)
    text = proc.output()
    seen = f"GET /fails-after-response: {first.status or first.error}; then GET /: {after.status}"
    if found := re.search(UNEXPECTED, text):
        return reproduces("unexpected-asgi-message", seen, found[0])
    if (found := re.search(NAMED, text)) and after.ok:
        return fixed("named-violation", seen, found[0])
    if (found := re.search(APP_ERROR, text)) and after.ok and first.status == 200:
        return fixed("app-error-only", f"{seen}; only the app's own error is logged", found[0])
    return reproduces("other", seen, tail(text))


@scenario("second-response")
def second_response(run: Run) -> Verdict:
    return _serve(run)


@scenario("fix-respond-once")
def fix_respond_once(run: Run) -> Verdict:
    run.copy("app_fixed.py", "app.py")
    return _serve(run)


def _inner(run: Run, fix: bool) -> Verdict:
    port = run.port()
    proc = run.start_cli("app:app", "--host", "127.0.0.1", "--port", str(port))
    run.step(f"waiting for HTTP on port {port}")
    if not run.wait_serving(proc, port):
        return reproduces("no-start", "the server did not serve GET /", tail(proc.output()))
    first = run.get(port, "/graphql")
    after = run.get(port, "/")
    proc.wait_for(f"{UNEXPECTED}|{NAMED}", 3)
    text = proc.output()
    seen = f"GET /graphql: {first.status or first.error} {first.text!r}; then GET /: {after.status}"
    if found := re.search(UNEXPECTED, text):
        return reproduces("unexpected-asgi-message", seen, found[0])
    if (found := re.search(NAMED, text)) and after.ok and not fix:
        return fixed("named-violation", seen, found[0])
    errors = re.search(r"Traceback|Exception in ASGI|app_error|protocol_error", text)
    if first.text == "graphql answer" and after.ok and errors is None:
        return fixed("one-responder", f"{seen}; nothing logged", tail(text, 2))
    return reproduces("other", seen, tail(text))


@scenario("route-calls-inner-app")
def route_calls_inner_app(run: Run) -> Verdict:
    run.copy("app_inner_call.py", "app.py")
    return _inner(run, fix=False)


@scenario("fix-mount-inner-app")
def fix_mount_inner_app(run: Run) -> Verdict:
    run.copy("app_mounted.py", "app.py")
    return _inner(run, fix=True)
