"""ssl-with-reload-crash: ``--reload`` with ``--ssl-certfile/--ssl-keyfile`` (and without TLS).

Correct behaviour (``fixed``): the server answers HTTPS requests verified against
the run's CA, and after an edit of app.py the new code answers (reload works
with TLS). The failure (``reproduces``): the reloader crashes before serving,
kind ``pickle-sslcontext`` (the SSLContext is pickled for the spawned child:
``TypeError: cannot pickle 'SSLContext' object``) or kind ``config-no-ssl``
(``AttributeError: 'Config' object has no attribute 'ssl'``, which also breaks
a plain ``--reload`` run: the ``plain-reload`` scenario).
"""

from __future__ import annotations

import re

from troubleshoot.harness.api import Run, Verdict, fixed, not_applicable, reproduces, scenario, tail

# --reload appeared on the CLI with the spawn-based reloader in 0.5.0.
RELEASES = ">=0.5.0"

SIGNS = {
    "pickle-sslcontext": r"TypeError: can(no|')t pickle '?SSLContext'? object[^\n]*",
    "config-no-ssl": r"AttributeError: 'Config' object has no attribute 'ssl'[^\n]*",
}


def _reload_serves(run: Run, tls: bool) -> Verdict:
    port = run.port()
    args = ["app:app", "--reload", "--host", "127.0.0.1", "--port", str(port)]
    if tls:
        files = run.tls()
        args += ["--ssl-certfile", str(files.cert), "--ssl-keyfile", str(files.key)]
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
