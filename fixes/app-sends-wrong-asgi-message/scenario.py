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

from troubleshoot.harness.api import Run, Verdict, scenario

# the message exists since uvicorn 0.2.0 (catalog), but the apps are ASGI 3, which
# uvicorn speaks from 0.6.0 (#325); before, they fail as asgi3-app-on-asgi2-only-uvicorn
RELEASES = ">=0.6.0"

EXPECTED = r"RuntimeError: Expected ASGI message 'http\.response\.start'"
GOT = r"(?: or 'http\.response\.early_hint')?, but got '[\w.]+'\.?"
NAMED = r"protocol_error[^\n]*expected 'http\.response\.start', got '[\w.]+'"


@scenario("typo-request-start", "typo")
@scenario("websocket-message-on-http", "websocket")
@scenario("fix-response-start", "fixed")
def _serve(run: Run, app: str) -> Verdict:
    launch = run.launch_cli(f"app:{app}", timeout=20)
    if not launch.serves():
        return launch.reproduces("no-start")
    wrong = launch.get("/wrong")
    launch.wait_for(f"{EXPECTED}|{NAMED}", 3)
    after = launch.get()
    seen = f"GET /wrong: {wrong.status or wrong.error}; then GET /: {after.status}"
    if found := launch.find(EXPECTED + GOT):
        kind = "expected-start-or-early-hint" if "early_hint" in found else "expected-start"
        return launch.reproduces(kind, seen, found)
    if (found := launch.find(NAMED)) and after.ok:
        return launch.fixed("named-violation", seen, found)
    if wrong.ok and wrong.text == "hello":
        return launch.fixed("served", seen)
    return launch.reproduces("other", seen)
