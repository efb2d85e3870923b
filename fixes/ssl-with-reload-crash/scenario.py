"""ssl-with-reload-crash: ``--reload`` with ``--ssl-certfile/--ssl-keyfile`` (and without TLS).

Correct behaviour (``fixed``): the server answers HTTPS requests verified against
the run's CA, and after an edit of app.py the new code answers (reload works
with TLS). The failure (``reproduces``): the reloader crashes before serving,
kind ``pickle-sslcontext`` (the SSLContext is pickled for the spawned child:
``TypeError: cannot pickle 'SSLContext' object``) or kind ``config-no-ssl``
(``AttributeError: 'Config' object has no attribute 'ssl'``, which also breaks
a plain ``--reload`` run: the ``plain-reload`` scenario).

The workarounds for releases that cannot be upgraded:

- ``fix-drop-reload`` (0.5.0-0.7.2): TLS without ``--reload`` serves HTTPS, and
  ``--reload`` on plain HTTP serves and reloads an edit. ``fixed`` only when
  both do; on 0.7.3/0.8.0 the plain reload crashes (``config-no-ssl``), as the
  entry says.
- ``fix-single-process`` (0.7.3-0.8.0): one process with TLS, no ``--reload``
  or ``--workers``, serves HTTPS; after an edit it is stopped and started again
  by hand and serves the new code (``fixed``).
"""

from __future__ import annotations

import re
import signal

from troubleshoot.harness.api import (
    Proc,
    Run,
    Verdict,
    fixed,
    not_applicable,
    reproduces,
    scenario,
    tail,
)

# --reload appeared on the CLI with the spawn-based reloader in 0.5.0.
RELEASES = ">=0.5.0"

SIGNS = {
    "pickle-sslcontext": r"TypeError: can(no|')t pickle '?SSLContext'? object[^\n]*",
    "config-no-ssl": r"AttributeError: 'Config' object has no attribute 'ssl'[^\n]*",
}


def _tls_args(run: Run) -> list[str]:
    files = run.tls()
    return ["--ssl-certfile", str(files.cert), "--ssl-keyfile", str(files.key)]


def _single_tls(run: Run) -> tuple[Proc, int, str]:
    """Start one TLS process without --reload; its state after waiting for HTTPS."""
    port = run.port()
    proc = run.start_cli("app:app", "--host", "127.0.0.1", "--port", str(port), *_tls_args(run))
    run.step(f"waiting for HTTPS on port {port} (no --reload)")
    return proc, port, run.exit_or_serve(proc, port, tls=True, timeout=20)


def _reload_serves(run: Run, tls: bool) -> Verdict:
    port = run.port()
    args = ["app:app", "--reload", "--host", "127.0.0.1", "--port", str(port)]
    if tls:
        args += _tls_args(run)
    proc = run.start_cli(*args)
    scheme = "HTTPS" if tls else "HTTP"
    run.step(f"waiting for {scheme} on port {port}")
    state = run.exit_or_serve(proc, port, tls=tls, timeout=20)
    text = proc.output()
    if run.unsupported(text):
        return not_applicable(run.unsupported(text) or "")
    for kind, pattern in SIGNS.items():
        found = re.search(pattern, text)
        if found:
            return reproduces(kind, f"the reloader crashed ({state})", found[0])
    if state != "serving":
        last = [line for line in text.splitlines() if re.match(r"\w+(Error|Exception)\b", line)]
        return reproduces(
            "other-crash", f"no {scheme} response ({state})", "\n".join(last[-2:]) or tail(text)
        )
    run.step("editing app.py: BODY = b'v2'")
    edited = run.path("app.py").read_text().replace('b"v1"', 'b"v2"')
    if not run.edit_until_served("app.py", edited, port, "v2", tls=tls, timeout=20):
        return reproduces("no-reload", f"{scheme} served, but never the edited code", tail(text))
    how = "HTTPS (verified against the run's CA)" if tls else "HTTP"
    return fixed(
        "serves-and-reloads", f"{how} served before and after a reload", _served(proc.output())
    )


def _served(text: str) -> str:
    wanted = re.compile(r"running on|listening|reload", re.I)
    keep = [line for line in text.splitlines() if wanted.search(line)]
    return "\n".join(keep[:4])


@scenario("ssl-reload")
def ssl_reload(run: Run) -> Verdict:
    return _reload_serves(run, tls=True)


@scenario("plain-reload")
def plain_reload(run: Run) -> Verdict:
    return _reload_serves(run, tls=False)


@scenario("fix-drop-reload")
def fix_drop_reload(run: Run) -> Verdict:
    proc, _port, state = _single_tls(run)
    if state != "serving":
        return reproduces("no-https", f"TLS without --reload: {state}", tail(proc.output()))
    first = _served(proc.output())
    proc.signal(signal.SIGTERM)
    proc.wait(10)
    verdict = _reload_serves(run, tls=False)
    if verdict.outcome != "fixed":
        return verdict
    return fixed(
        "tls-or-reload",
        "TLS without --reload served HTTPS; --reload on plain HTTP served and reloaded",
        "\n".join([first, verdict.excerpt]),
    )


@scenario("fix-single-process")
def fix_single_process(run: Run) -> Verdict:
    proc, port, state = _single_tls(run)
    if state != "serving" or run.get(port, tls=True).text != "v1":
        return reproduces("no-https", f"one TLS process: {state}", tail(proc.output()))
    run.step("editing app.py, then restarting the server by hand")
    run.write("app.py", run.path("app.py").read_text().replace('b"v1"', 'b"v2"'))
    proc.signal(signal.SIGTERM)
    if proc.wait(10) is None:
        return reproduces("no-stop", "the server did not stop on SIGTERM", tail(proc.output()))
    again = run.start_cli(
        "app:app", "--host", "127.0.0.1", "--port", str(port), *_tls_args(run), name="restarted"
    )
    if not run.wait_for_body(port, "v2", tls=True, timeout=20):
        return reproduces(
            "no-restart", "the restarted process never served the edit", tail(again.output())
        )
    return fixed(
        "single-process-restart",
        "one TLS process served HTTPS, and the edited code after a restart by hand",
        _served(again.output()),
    )
