"""logging-018-regressions: the two logging breakages of uvicorn 0.18.0 and 0.18.1.

``log-config``: ``uvicorn app:app --log-config log_config.json`` where the file
names uvicorn's formatters as ``uvicorn.logging.DefaultFormatter`` (as uvicorn's
own documentation and default config do). Correct (``fixed``, kind
``configured``): the server serves and logs through the config. Failure
(``reproduces``, kind ``formatter-unresolvable``): ``ValueError: Unable to
configure formatter 'default'`` because ``uvicorn.logging`` does not exist.

``run-silent``: ``python serve.py`` calling ``run("app:app", ...)`` with no
logging arguments. Correct (``fixed``, kind ``logs``): the start-up lines are
printed. Failure (``reproduces``, kind ``no-logs``): it serves but prints
nothing. ``fix-explicit-log-config`` is the workaround for it: the script
passes ``log_config=uvicorn.config.LOGGING_CONFIG``.
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

# uvicorn's default LOGGING_CONFIG names uvicorn.logging.DefaultFormatter since 0.11.0.
RELEASES = ">=0.11.0"

STARTUP_LINE = r"Uvicorn running on|Started server process|reference_server: listening"


def _uvicorn_only(spec: ServerSpec) -> str | None:
    if spec.kind == "reference":
        return (
            "the reference server has its own log format and no uvicorn.logging "
            "formatters or log_config to load"
        )
    return None


@scenario("log-config", requires=_uvicorn_only)
def log_config(run: Run) -> Verdict:
    port = run.port()
    args = ["app:app", "--log-config", "log_config.json", "--host", "127.0.0.1", "--port", str(port)]
    proc = run.start_cli(*args)
    run.step(f"waiting for HTTP on port {port}")
    state = run.exit_or_serve(proc, port, timeout=15)
    text = proc.output()
    if (reason := run.unsupported(text)) is not None:
        return not_applicable(reason)
    if "MissingSectionHeaderError" in text:
        # 0.11.x hands --log-config to logging.config.fileConfig: INI files only
        return not_applicable("this release reads --log-config as an INI file only (no JSON)")
    errors = [line for line in text.splitlines() if re.match(r"\w*Error\b", line)]
    if state == "serving":
        return fixed("configured", "the config with uvicorn.logging formatters loaded; serving", tail(text))
    if any("uvicorn.logging" in line or "Unable to configure formatter" in line for line in errors):
        return reproduces("formatter-unresolvable", f"{state}: the config was rejected", "\n".join(errors[-2:]))
    return reproduces("other-failure", f"{state}, no response", tail(text))


def _run_script(run: Run, script: str) -> Verdict:
    port = run.port()
    proc = run.start_script_env(script, PORT=str(port))
    run.step(f"waiting for HTTP on port {port}")
    if not run.wait_serving(proc, port, timeout=15):
        text = proc.output()
        if (reason := run.unsupported(text)) is not None:
            return not_applicable(reason)
        return not_applicable(f"{script} never served: {tail(text)}")
    proc.wait_for(STARTUP_LINE, 2.0)
    text = proc.output()
    if re.search(STARTUP_LINE, text):
        return fixed("logs", "serving, and the start-up lines were printed", tail(text))
    return reproduces("no-logs", f"serving, but {len(text.splitlines())} lines of output", tail(text))


@scenario("run-silent")
def run_silent(run: Run) -> Verdict:
    return _run_script(run, "serve.py")


@scenario("fix-explicit-log-config", requires=_uvicorn_only)
def fix_explicit_log_config(run: Run) -> Verdict:
    return _run_script(run, "serve_log_config.py")
