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

from troubleshoot.harness.api import Run, Verdict, scenario, uvicorn_only

# --interface and its auto-detection exist since 0.6.0 (#325); before, every app was ASGI 2
RELEASES = ">=0.6.0"

STARTED = r"Uvicorn running|Application startup complete|listening"
SIGNS = {
    "asgi2-called-with-scope": r"TypeError: (?:\w+\.)?__call__\(\) missing 2 required "
    r"positional arguments: 'receive' and 'send'"
}


@scenario("sync-call-wrapper", "app:app")
@scenario(
    "fix-interface-asgi3",
    "app:app",
    "--interface",
    "asgi3",
    requires=uvicorn_only(
        "the reference server has no --interface option (it detects ASGI 2 by arity)"
    ),
)
@scenario("fix-async-call", "app:fixed_app")
def _serve(run: Run, *args: str) -> Verdict:
    launch = run.launch_cli(*args, timeout=20, watch=STARTED)
    return launch.request_verdict(SIGNS, body="hello from the wrapped app", serves="served")
