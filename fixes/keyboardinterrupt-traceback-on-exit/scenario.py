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

import re
import signal

from troubleshoot.harness.api import (
    Proc,
    Run,
    ServerSpec,
    Verdict,
    fixed,
    not_applicable,
    reproduces,
    scenario,
    tail,
)

# run() takes host/port keywords and the CLI serves an import string since 0.5.0.
RELEASES = ">=0.5.0"


def _interrupt(run: Run, proc: Proc, port: int) -> Verdict:
    run.step(f"waiting for HTTP on port {port}")
    if not run.wait_serving(proc, port, timeout=20):
        text = proc.output()
        if (reason := run.unsupported(text)) is not None:
            return not_applicable(reason)
        return not_applicable(f"the server never served: {tail(text)}")
    run.step("sending SIGINT (Ctrl+C) to the server process")
    proc.signal(signal.SIGINT)
    code = proc.wait(15)
    text = proc.output()
    if code is None:
        return reproduces("no-exit", "still running 15 s after SIGINT", tail(text))
    status = f"killed by signal {-code} (a shell shows {128 - code})" if code < 0 else f"exit {code}"
    if re.search(r"^KeyboardInterrupt\s*$", text, re.M):
        return reproduces(
            "keyboardinterrupt-traceback",
            f"a KeyboardInterrupt traceback after the shutdown, {status}",
            tail(text),
        )
    if re.search(r"^Aborted!?\s*$", text, re.M):
        return reproduces("cli-aborted", f"click printed 'Aborted!', {status}", tail(text))
    if "Traceback" in text or code != 0:
        return reproduces("other-exit", f"{status} after SIGINT", tail(text))
    return fixed("clean-exit", "shut down on SIGINT and exited with status 0", tail(text))


@scenario("script")
def script(run: Run) -> Verdict:
    port = run.port()
    return _interrupt(run, run.start_script_env("serve.py", PORT=str(port)), port)


@scenario("cli")
def cli(run: Run) -> Verdict:
    port = run.port()
    return _interrupt(run, run.start_cli("app:app", "--host", "127.0.0.1", "--port", str(port)), port)


@scenario("fix-catch-keyboardinterrupt")
def fix_catch_keyboardinterrupt(run: Run) -> Verdict:
    port = run.port()
    return _interrupt(run, run.start_script_env("serve_catching.py", PORT=str(port)), port)


def _uvicorn_only(spec: ServerSpec) -> str | None:
    if spec.kind == "reference":
        return "the reference server has no Server.serve() coroutine to embed (it exposes serve(settings) -> exit code)"
    return None


@scenario("embedded", requires=_uvicorn_only)
def embedded(run: Run) -> Verdict:
    port = run.port()
    return _interrupt(run, run.start_script_env("serve_embedded.py", PORT=str(port)), port)
