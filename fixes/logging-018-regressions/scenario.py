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

``fix-public-formatter-path``: the mirror case. A config written for 0.18.0/0.18.1
names ``uvicorn._logging.DefaultFormatter``; it is loaded first (and is expected
to be rejected with ``No module named 'uvicorn._logging'``), then renamed to
``uvicorn.logging.*`` and loaded again. ``fixed`` (kind ``renamed-serves``) when
the renamed config serves; ``reproduces`` (kind ``formatter-unresolvable``) when
it is rejected, which is what 0.18.0 and 0.18.1 do: the public path does not
exist there, so this fix only helps outside the entry's affected range.
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


def _start_with(run: Run, config: str) -> tuple[str, str, list[str]] | Verdict:
    """``uvicorn app:app --log-config CONFIG``: its state, output and error lines."""
    port = run.port()
    args = ["app:app", "--log-config", config, "--host", "127.0.0.1", "--port", str(port)]
    proc = run.start_cli(*args, name=config.removesuffix(".json"))
    run.step(f"waiting for HTTP on port {port}")
    state = run.exit_or_serve(proc, port, timeout=15)
    text = proc.output()
    if (reason := run.unsupported(text)) is not None:
        return not_applicable(reason)
    if "MissingSectionHeaderError" in text:
        # 0.11.x hands --log-config to logging.config.fileConfig: INI files only
        return not_applicable("this release reads --log-config as an INI file only (no JSON)")
    errors = [line for line in text.splitlines() if re.match(r"\w*Error\b", line)]
    return state, text, errors


@scenario("log-config", requires=_uvicorn_only)
def log_config(run: Run) -> Verdict:
    started = _start_with(run, "log_config.json")
    if isinstance(started, Verdict):
        return started
    state, text, errors = started
    if state == "serving":
        return fixed(
            "configured", "the config with uvicorn.logging formatters loaded; serving", tail(text)
        )
    if any("uvicorn.logging" in line or "Unable to configure formatter" in line for line in errors):
        return reproduces(
            "formatter-unresolvable", f"{state}: the config was rejected", "\n".join(errors[-2:])
        )
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
    return reproduces(
        "no-logs", f"serving, but {len(text.splitlines())} lines of output", tail(text)
    )


@scenario("run-silent")
def run_silent(run: Run) -> Verdict:
    return _run_script(run, "serve.py")


@scenario("fix-explicit-log-config", requires=_uvicorn_only)
def fix_explicit_log_config(run: Run) -> Verdict:
    return _run_script(run, "serve_log_config.py")


@scenario("fix-public-formatter-path", requires=_uvicorn_only)
def fix_public_formatter_path(run: Run) -> Verdict:
    public = run.path("log_config.json").read_text(encoding="utf-8")
    run.write("written_for_018.json", public.replace("uvicorn.logging.", "uvicorn._logging."))
    first = _start_with(run, "written_for_018.json")
    if isinstance(first, Verdict):
        return first
    state, text, errors = first
    if state == "serving" or re.search(STARTUP_LINE, text):
        before = "the uvicorn._logging config loaded"
    else:
        before = f"the uvicorn._logging config was rejected: {errors[-1] if errors else state}"
    run.step("renaming the formatters to uvicorn.logging.* and starting again")
    run.write("written_for_018.json", public)
    second = _start_with(run, "written_for_018.json")
    if isinstance(second, Verdict):
        return second
    state, text, errors = second
    if state == "serving":
        return fixed(
            "renamed-serves", f"{before}; renamed to uvicorn.logging.*, it serves", tail(text, 2)
        )
    if any("uvicorn.logging" in line or "Unable to configure formatter" in line for line in errors):
        return reproduces(
            "formatter-unresolvable",
            f"{before}; renamed to uvicorn.logging.*, it is rejected on this release",
            "\n".join(errors[-2:]),
        )
    return reproduces("other-failure", f"{before}; renamed: {state}, no response", tail(text))
