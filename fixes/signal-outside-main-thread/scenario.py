"""signal-outside-main-thread: the server is started from a thread that is not the main one.

``python serve_thread.py`` calls ``run("app:app", ...)`` inside a
``threading.Thread`` (``MODE`` picks plain, ``reload=True`` or ``workers=2``).

Correct behaviour: ``thread-plain`` serves (``fixed``, kind ``serves``): a
single server needs no signal handlers it cannot install; ``thread-reload`` and
``thread-workers`` either serve or refuse with a message that names the main
thread (``fixed``, kind ``clean-error``). The failure (``reproduces``): the
thread dies with Python's ``signal only works in main thread`` ValueError (kind
``signal-valueerror``) or asyncio's ``set_wakeup_fd only works in main thread``
/ ``add_signal_handler() can only be called from the main thread`` (kind
``wakeup-fd-error``), and nothing serves.

``fix-main-thread`` is the recommended change for reload/workers: the server
runs in the main thread and the other work moves to a thread.
``fix-subprocess-workers`` is the workaround when the main thread is taken and
several workers are needed: the thread starts ``uvicorn app:app --workers 2``
as a separate process (serve_subprocess_thread.py); ``fixed`` when it serves.
The other half of that workaround, one plain server in the thread, is
``thread-plain``.
"""

from __future__ import annotations

import json
import re

from troubleshoot.harness.api import Run, Verdict, fixed, reproduces, scenario, tail

# run() with an import string exists since 0.5.0; older releases need pure-Python flags.
RELEASES = ">=0.5.0"

SIGNS = {
    "signal-valueerror": r"ValueError: signal only works in main thread[^\n]*",
    "wakeup-fd-error": r"(?:RuntimeError|ValueError): (?:set_wakeup_fd only works in main thread"
    r"|add_signal_handler\(\) can only be called from the main thread)[^\n]*",
}
ADVICE = r"main thread"


def _decide(run: Run, script: str, mode: str, **env: str) -> Verdict:
    port = run.port()
    proc = run.start_script_env(script, PORT=str(port), MODE=mode, **env)
    run.step(f"waiting for {script} (MODE={mode}) to serve on port {port} or exit")
    state = run.exit_or_serve(proc, port, timeout=15, watch="|".join(SIGNS.values()))
    text = proc.output()
    for kind, pattern in SIGNS.items():
        if found := re.search(pattern, text):
            return reproduces(kind, f"the server thread died ({state})", found[0])
    if state == "serving":
        return fixed("serves", f"{script} (MODE={mode}) served GET / with 200", tail(text))
    # a refusal raised inside the thread ends only that thread: any exit code will do
    if state == "exited" and "Traceback" not in text and re.search(ADVICE, text):
        return fixed(
            "clean-error", f"refused (exit {proc.returncode}), naming the main thread", tail(text)
        )
    return reproduces("other-failure", f"{state}, exit {proc.returncode}", tail(text))


@scenario("thread-plain")
def thread_plain(run: Run) -> Verdict:
    return _decide(run, "serve_thread.py", "plain")


@scenario("thread-reload")
def thread_reload(run: Run) -> Verdict:
    return _decide(run, "serve_thread.py", "reload")


@scenario("thread-workers")
def thread_workers(run: Run) -> Verdict:
    return _decide(run, "serve_thread.py", "workers")


@scenario("fix-main-thread")
def fix_main_thread(run: Run) -> Verdict:
    return _decide(run, "serve_main_thread.py", "reload")


@scenario("fix-subprocess-workers")
def fix_subprocess_workers(run: Run) -> Verdict:
    cli = json.dumps([*run.server.cli, *run.server.cli_flags])
    return _decide(run, "serve_subprocess_thread.py", "workers", SERVER_CLI=cli)
