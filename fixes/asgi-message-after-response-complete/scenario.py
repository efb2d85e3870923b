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
"""

from __future__ import annotations

import re

from troubleshoot.harness.api import Run, Verdict, fixed, reproduces, scenario, tail

UNEXPECTED = r"RuntimeError: Unexpected ASGI message '[\w.]+' sent, after response already completed\."
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
