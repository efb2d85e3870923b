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
entry nest-asyncio-loop-factory). Correct behaviour (``fixed``): ``GET /`` answers
200 from the thread. The reference server runs on the doctor's interpreter without
nest_asyncio or uvloop: only ``fix-without-nest-asyncio`` applies to it.
"""

from __future__ import annotations

import re

from troubleshoot.harness.api import (
    Run,
    ServerSpec,
    Verdict,
    fixed,
    reproduces,
    scenario,
    tail,
)

# uvicorn.run() in a thread needs 0.13.0 (#871: no signal handlers off the main
# thread); nest_asyncio 1.6.0 installs on every interpreter the harness uses
RELEASES = ">=0.13.0"
EXTRAS = {">=0.13.0": ["nest_asyncio==1.6.0", "uvloop"]}

NO_LOOP = r"RuntimeError: There is no current event loop in thread '[^']*'\.?"
LOOP_FACTORY = r"TypeError: [^\n]*run\(\) got an unexpected keyword argument 'loop_factory'"
BODY = "served from a thread"


def _serve(run: Run, *args: str) -> Verdict:
    port = run.port()
    proc = run.start_script("serve_in_thread.py", str(port), *args)
    run.step(f"waiting for the thread's server on port {port}")
    state = run.exit_or_serve(proc, port, timeout=20, watch=f"{NO_LOOP}|{LOOP_FACTORY}")
    proc.wait_for(f"{NO_LOOP}|{LOOP_FACTORY}", 1)
    text = proc.output()
    if found := re.search(NO_LOOP, text):
        return reproduces("no-current-event-loop", f"{state}; nothing serves", found[0])
    if found := re.search(LOOP_FACTORY, text):
        return reproduces("loop-factory-typeerror", f"{state}; nothing serves", found[0])
    if state == "serving" and BODY in run.get(port).text:
        return fixed("served", "GET / answered from the server thread", tail(text, 2))
    return reproduces("other", f"{state}, exit {proc.returncode}", tail(text))


def _needs_nest_asyncio(spec: ServerSpec) -> str | None:
    if spec.kind == "reference":
        return (
            "needs nest_asyncio and uvloop installed next to the server; the reference "
            "server runs on the doctor's own interpreter, which has neither"
        )
    return None


@scenario("apply-then-thread", requires=_needs_nest_asyncio)
def apply_then_thread(run: Run) -> Verdict:
    return _serve(run, "patched")


@scenario("fix-without-nest-asyncio")
def fix_without_nest_asyncio(run: Run) -> Verdict:
    return _serve(run, "unpatched")


@scenario("fix-asyncio-loop", requires=_needs_nest_asyncio)
def fix_asyncio_loop(run: Run) -> Verdict:
    return _serve(run, "asyncio-loop")
