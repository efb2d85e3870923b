"""app-sends-wrong-asgi-message: an HTTP response whose first message is not the start.

The app sends something other than ``http.response.start`` first.

app.py holds three ASGI 3 apps; ``GET /`` is answered correctly by all of them
(so the harness can tell the server is up), ``GET /wrong`` is the request under
test.

- ``typo-request-start``: ``app:typo`` sends ``http.request.start``.
- ``websocket-message-on-http``: ``app:websocket`` sends ``websocket.accept`` on
  an HTTP scope.

The failure (``reproduces``): ``GET /wrong`` answers 500 and the log holds uvicorn's
``RuntimeError: Expected ASGI message 'http.response.start', but got '...'``;
the kind names the wording: ``expected-start`` (every release up to 0.53) or
``expected-start-or-early-hint`` (``... 'http.response.start' or
'http.response.early_hint', but got ...``, from the release that added early
hints). Correct behaviour (``fixed``): the server rejects the message and names
it, keeping the server up (the reference server logs ``protocol_error ...
expected 'http.response.start'``), or the app answers 200 once fixed:
``fix-response-start`` serves ``app:fixed``, which sends the right type.
"""

from __future__ import annotations

import re

from troubleshoot.harness.api import Run, Verdict, fixed, reproduces, scenario, tail

# the message exists since uvicorn 0.2.0 (catalog), but the apps are ASGI 3, which
# uvicorn speaks from 0.6.0 (#325); before, they fail as asgi3-app-on-asgi2-only-uvicorn
RELEASES = ">=0.6.0"

EXPECTED = (
    r"RuntimeError: Expected ASGI message 'http\.response\.start'"
    r"(?P<hint> or 'http\.response\.early_hint')?, but got '[\w.]+'\.?"
)
NAMED = r"protocol_error[^\n]*expected 'http\.response\.start', got '[\w.]+'"


def _serve(run: Run, app: str) -> Verdict:
    port = run.port()
    proc = run.start_cli(f"app:{app}", "--host", "127.0.0.1", "--port", str(port))
    run.step(f"waiting for HTTP on port {port}")
    if not run.wait_serving(proc, port):
        return reproduces("no-start", "the server did not serve GET /", tail(proc.output()))
    response = run.get(port, "/wrong")
    proc.wait_for(f"{EXPECTED}|{NAMED}", 3)
    text = proc.output()
    after = run.get(port, "/")
    seen = f"GET /wrong: {response.status or response.error}; then GET /: {after.status}"
    if found := re.search(EXPECTED, text):
        kind = "expected-start-or-early-hint" if found["hint"] else "expected-start"
        return reproduces(kind, seen, found[0])
    if (found := re.search(NAMED, text)) and after.ok:
        return fixed("named-violation", seen, found[0])
    if response.ok and response.text == "hello":
        return fixed("served", seen, tail(text, 2))
    return reproduces("other", seen, tail(text))


@scenario("typo-request-start")
def typo_request_start(run: Run) -> Verdict:
    return _serve(run, "typo")


@scenario("websocket-message-on-http")
def websocket_message_on_http(run: Run) -> Verdict:
    return _serve(run, "websocket")


@scenario("fix-response-start")
def fix_response_start(run: Run) -> Verdict:
    return _serve(run, "fixed")
