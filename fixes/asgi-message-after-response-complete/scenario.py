"""asgi-message-after-response-complete: a middleware sends a 500 after the response completed.

The route of ``app:app`` answers 200 and then raises; the app's error middleware
catches it and sends ``http.response.start`` again. ``second-response``
requests ``/fails-after-response`` and then ``/``.

Correct behaviour (``fixed``): the server names the protocol violation
(``protocol_error``: a message after the response was complete) and keeps
serving, or, once the app is fixed, logs only the app's own ``ValueError``.
The failure (``reproduces``): uvicorn's ``RuntimeError: Unexpected ASGI message
'http.response.start' sent, after response already completed.`` in an
``Exception in ASGI application`` traceback, which hides the ``ValueError``
that caused it in the "During handling" chain (kind ``unexpected-asgi-message``).
``fix-respond-once`` serves ``app:fixed``, whose middleware only responds when
nothing was sent: the log shows the ValueError and no RuntimeError.

The other shape, two components answering one request:
``route-calls-inner-app`` serves ``app:inner_call``, whose ``/graphql`` route
calls an inner ASGI app with the request's ``send`` and then sends its own
response too (``reproduces`` and ``fixed`` as above; the request is
``/graphql``). ``fix-mount-inner-app`` serves ``app:mounted``, where the inner
app is mounted at ``/graphql`` and is the only responder: ``fixed`` when
``/graphql`` answers with the inner app's body and nothing is logged.
"""

from __future__ import annotations

from troubleshoot.harness.api import Run, Verdict, scenario

UNEXPECTED = (
    r"RuntimeError: Unexpected ASGI message '[\w.]+' sent, after response already completed\."
)
NAMED = r"protocol_error reason=\"app sent '[\w.]+' after the response was complete\""
APP_ERROR = r"ValueError: audit log write failed after the response was sent"
LOGGED = r"Traceback|Exception in ASGI|app_error|protocol_error"


@scenario("second-response", "app", "/fails-after-response")
@scenario("fix-respond-once", "fixed", "/fails-after-response")
@scenario("route-calls-inner-app", "inner_call", "/graphql")
@scenario("fix-mount-inner-app", "mounted", "/graphql", fix=True)
def _serve(run: Run, app: str, path: str, *, fix: bool = False) -> Verdict:
    launch = run.launch_cli(f"app:{app}", timeout=20)
    if not launch.serves():
        return launch.reproduces("no-start")
    first = launch.get(path)
    after = launch.get()
    launch.wait_for(f"{UNEXPECTED}|{NAMED}|{APP_ERROR}", 3)
    seen = f"GET {path}: {first.status or first.error} {first.text!r}; then GET /: {after.status}"
    if found := launch.find(UNEXPECTED):
        return launch.reproduces("unexpected-asgi-message", seen, found)
    if (found := launch.find(NAMED)) and after.ok and not fix:
        return launch.fixed("named-violation", seen, found)
    if (found := launch.find(APP_ERROR)) and after.ok and first.status == 200:
        return launch.fixed("app-error-only", f"{seen}; only the app's own error is logged", found)
    if first.text == "graphql answer" and after.ok and launch.find(LOGGED) is None:
        return launch.fixed("one-responder", f"{seen}; nothing logged")
    return launch.reproduces("other", seen)
