"""keyboardinterrupt-traceback-on-exit: Ctrl+C (SIGINT) on a serving server.

Correct behaviour (``fixed``): the server shuts down and the process exits
with status 0, printing no traceback (kind ``clean-exit``). The failure
(``reproduces``): after the shutdown lines, a ``KeyboardInterrupt`` traceback
and exit status 130 (kind ``keyboardinterrupt-traceback``, from a script
calling ``run()``), or click's ``Aborted!`` and exit status 1 (kind
``cli-aborted``, from the ``uvicorn`` command with click 8). Scenarios:
``script`` (``python serve.py``), ``cli`` (``uvicorn app:app``), ``embedded``
(``asyncio.run(Server(config).serve())``, uvicorn only: the reference server
has no ``Server`` class) and the workaround ``fix-catch-keyboardinterrupt``
(the script wraps ``run()`` in ``try/except KeyboardInterrupt``).
"""

from __future__ import annotations

import signal

from troubleshoot.harness.api import Launch, Run, Verdict, not_applicable, scenario, uvicorn_only

# run() takes host/port keywords and the CLI serves an import string since 0.5.0.
RELEASES = ">=0.5.0"

SIGNS = {  # kind -> (what it is, pattern)
    "keyboardinterrupt-traceback": ("a KeyboardInterrupt traceback", r"(?m)^KeyboardInterrupt\s*$"),
    "cli-aborted": ("click printed 'Aborted!'", r"(?m)^Aborted!?\s*$"),
}
NO_SERVER_CLASS = uvicorn_only(
    "the reference server has no Server.serve() coroutine to embed (it exposes "
    "serve(settings) -> exit code)"
)


def _interrupt(launch: Launch) -> Verdict:
    if launch.state != "serving":
        return launch.unsupported() or not_applicable(f"never served: {launch.tail()}")
    if (code := launch.stop(15, signal.SIGINT)) is None:
        return launch.reproduces("no-exit", "still running 15 s after SIGINT")
    status = (
        f"killed by signal {-code} (a shell shows {128 - code})" if code < 0 else f"exit {code}"
    )
    for kind, (what, sign) in SIGNS.items():
        if launch.find(sign) is not None:
            return launch.reproduces(kind, f"{what} after the shutdown, {status}")
    if "Traceback" in launch.text or code != 0:
        return launch.reproduces("other-exit", f"{status} after SIGINT")
    return launch.fixed("clean-exit", "shut down on SIGINT and exited with status 0", launch.tail())


@scenario("script")
def script(run: Run) -> Verdict:
    return _interrupt(run.launch_script("serve.py", timeout=20))


@scenario("cli")
def cli(run: Run) -> Verdict:
    return _interrupt(run.launch_cli("app:app", timeout=20))


@scenario("fix-catch-keyboardinterrupt")
def fix_catch_keyboardinterrupt(run: Run) -> Verdict:
    return _interrupt(run.launch_script("serve_catching.py", timeout=20))


@scenario("embedded", requires=NO_SERVER_CLASS)
def embedded(run: Run) -> Verdict:
    return _interrupt(run.launch_script("serve_embedded.py", timeout=20))
