"""nest-asyncio-in-thread: nest_asyncio applied, then ``uvicorn.run()`` in a loopless thread.

serve_in_thread.py runs ``run(app, ...)`` in a ``threading.Thread`` (no event loop
of its own), with nest_asyncio 1.6.0 and uvloop installed next to the release (what
``uvicorn[standard]`` brings), so ``--loop auto`` picks uvloop.

- ``apply-then-thread``: ``nest_asyncio.apply()``, then uvicorn is imported and run.
  nest_asyncio's ``asyncio.run`` gets its loop from ``asyncio.get_event_loop()``,
  which asks the event loop policy; apply() patched the policy that existed then,
  but uvicorn's uvloop setup installs a new one, unpatched, which has no loop for a
  thread other than the main one.
- ``fix-asyncio-loop``: the same with ``loop="asyncio"`` (the policy stays the
  patched one).
- ``fix-without-nest-asyncio``: no nest_asyncio at all.

The failure (``reproduces``, kind ``no-current-event-loop``): the thread dies with
``RuntimeError: There is no current event loop in thread 'server-thread'.`` and
nothing serves. Kind ``loop-factory-typeerror`` is the sibling failure of 0.36.0
and later on Python 3.12+ (nest_asyncio's ``run()`` has no ``loop_factory``: the
entry nest-asyncio-loop-factory). Correct behaviour (``fixed``, kind ``served``):
``GET /`` answers 200 from the thread; anything else is kind ``other``. The
reference server runs on the doctor's interpreter without nest_asyncio or uvloop:
only ``fix-without-nest-asyncio`` applies to it.
"""

from __future__ import annotations

from troubleshoot.harness.api import Run, Verdict, scenario, uvicorn_only

# uvicorn.run() in a thread needs 0.13.0 (#871: no signal handlers off the main
# thread); nest_asyncio 1.6.0 installs on every interpreter the harness uses
RELEASES = ">=0.13.0"
EXTRAS = {">=0.13.0": ["nest_asyncio==1.6.0", "uvloop"]}

SIGNS = {
    "no-current-event-loop": r"RuntimeError: There is no current event loop in thread '[^']*'\.?",
    "loop-factory-typeerror": r"TypeError: [^\n]*run\(\) got an unexpected keyword argument "
    r"'loop_factory'",
}
WATCH = "|".join(SIGNS.values())
NEEDS_NEST_ASYNCIO = uvicorn_only(
    "needs nest_asyncio and uvloop installed next to the server; the reference "
    "server runs on the doctor's own interpreter, which has neither"
)


@scenario("apply-then-thread", "patched", requires=NEEDS_NEST_ASYNCIO)
@scenario("fix-without-nest-asyncio", "unpatched")
@scenario("fix-asyncio-loop", "asyncio-loop", requires=NEEDS_NEST_ASYNCIO)
def _serve(run: Run, mode: str) -> Verdict:
    launch = run.launch_script("serve_in_thread.py", env={"MODE": mode}, timeout=20, watch=WATCH)
    launch.wait_for(WATCH, 1)
    return launch.verdict(
        SIGNS, serves="served", body="served from a thread", options=False, otherwise="other"
    )
