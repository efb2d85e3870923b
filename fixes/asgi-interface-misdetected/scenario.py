"""asgi-interface-misdetected: an ASGI 3 app whose wrapper makes ``--interface auto`` pick ASGI 2.

app.py wraps a raw ASGI 3 app in ``Wrapper``, whose ``__call__(self, scope,
receive, send)`` is a plain ``def`` returning the inner coroutine.

- ``sync-call-wrapper``: ``uvicorn app:app``. The failure (``reproduces``, kind
  ``asgi2-called-with-scope``): ``GET /`` answers 500 and the log holds
  ``TypeError: __call__() missing 2 required positional arguments: 'receive'
  and 'send'`` (uvicorn's asgi2 middleware called ``app(scope)``). Correct
  behaviour (``fixed``): the wrapped app answers 200.
- ``fix-interface-asgi3``: the same app with ``--interface asgi3``: 200.
- ``fix-async-call``: ``app:fixed_app``, the wrapper with ``async def
  __call__``: 200 with the default interface.

The reference server decides by the number of parameters of the callable (one:
ASGI 2), so it serves the wrapper; it has no ``--interface`` option, so
``fix-interface-asgi3`` does not apply to it.
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

# --interface and its auto-detection exist since 0.6.0 (#325); before, every app was ASGI 2
RELEASES = ">=0.6.0"

TYPE_ERROR = (
    r"TypeError: (?:\w+\.)?__call__\(\) missing 2 required positional arguments: "
    r"'receive' and 'send'"
)
BODY = "hello from the wrapped app"


def _serve(run: Run, *args: str) -> Verdict:
    port = run.port()
    proc = run.start_cli(*args, "--host", "127.0.0.1", "--port", str(port))
    run.step(f"waiting for the server on port {port}, then GET /")
    state = run.exit_or_serve(
        proc, port, timeout=20, watch=r"Uvicorn running|Application startup complete|listening"
    )
    text = proc.output()
    if (reason := run.unsupported(text)) is not None:
        return not_applicable(reason)
    if state == "exited":
        return reproduces("no-start", f"exit {proc.returncode}", tail(text))
    response = run.get(port)
    if response.status is None:  # "matched" can come a moment before the socket accepts
        run.wait_serving(proc, port, timeout=5)
        response = run.get(port)
    proc.wait_for(TYPE_ERROR, 3)
    text = proc.output()
    if response.ok and BODY in response.text:
        return fixed("served", "the wrapped ASGI 3 app answered 200", tail(text, 2))
    if found := re.search(TYPE_ERROR, text):
        return reproduces("asgi2-called-with-scope", f"GET / answered {response.status}", found[0])
    return reproduces("other", f"GET / answered {response.status} {response.error}", tail(text))


@scenario("sync-call-wrapper")
def sync_call_wrapper(run: Run) -> Verdict:
    return _serve(run, "app:app")


def _no_interface_option(spec: ServerSpec) -> str | None:
    if spec.kind == "reference":
        return "the reference server has no --interface option (it detects ASGI 2 by arity)"
    return None


@scenario("fix-interface-asgi3", requires=_no_interface_option)
def fix_interface_asgi3(run: Run) -> Verdict:
    return _serve(run, "app:app", "--interface", "asgi3")


@scenario("fix-async-call")
def fix_async_call(run: Run) -> Verdict:
    return _serve(run, "app:fixed_app")
