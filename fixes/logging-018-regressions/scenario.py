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

from troubleshoot.harness.api import Launch, Run, Verdict, not_applicable, scenario, uvicorn_only

# uvicorn's default LOGGING_CONFIG names uvicorn.logging.DefaultFormatter since 0.11.0.
RELEASES = ">=0.11.0"

STARTUP_LINE = r"Uvicorn running on|Started server process|reference_server: listening"
UNRESOLVABLE = ("uvicorn.logging", "Unable to configure formatter")
OWN_LOG_FORMAT = uvicorn_only(
    "the reference server has its own log format and no uvicorn.logging "
    "formatters or log_config to load"
)


def _start_with(run: Run, config: str) -> tuple[Launch, list[str]] | Verdict:
    """``uvicorn app:app --log-config CONFIG``: the launch and its error lines."""
    launch = run.launch_cli("app:app", "--log-config", config, name=config.removesuffix(".json"))
    if (unsupported := launch.unsupported()) is not None:
        return unsupported
    if "MissingSectionHeaderError" in launch.text:
        # 0.11.x hands --log-config to logging.config.fileConfig: INI files only
        return not_applicable("this release reads --log-config as an INI file only (no JSON)")
    return launch, launch.lines(r"^\w*Error\b")


def _judge(started: tuple[Launch, list[str]] | Verdict, serves: str, before: str) -> Verdict:
    """``serves`` when the config loaded and the server serves; ``formatter-unresolvable``
    when an error names uvicorn.logging or the formatter."""
    if isinstance(started, Verdict):
        return started
    launch, errors = started
    if launch.state == "serving":
        return launch.fixed(serves, f"{before}the config loaded; serving")
    if any(sign in line for line in errors for sign in UNRESOLVABLE):
        reason = f"{before}the config was rejected on this release"
        return launch.reproduces("formatter-unresolvable", reason, "\n".join(errors[-2:]))
    return launch.reproduces("other-failure", f"{before}{launch.outcome}, no response")


@scenario("log-config", requires=OWN_LOG_FORMAT)
def log_config(run: Run) -> Verdict:
    return _judge(_start_with(run, "log_config.json"), "configured", "uvicorn.logging formatters: ")


@scenario("run-silent", "serve.py")
@scenario("fix-explicit-log-config", "serve_log_config.py", requires=OWN_LOG_FORMAT)
def _run_script(run: Run, script: str) -> Verdict:
    launch = run.launch_script(script)
    if not launch.serves():
        return launch.unsupported() or not_applicable(f"{script} never served: {launch.tail()}")
    if launch.wait_for(STARTUP_LINE, 2.0):
        return launch.fixed("logs", "serving, and the start-up lines were printed")
    lines = len(launch.text.splitlines())
    return launch.reproduces("no-logs", f"serving, but {lines} lines of output")


@scenario("fix-public-formatter-path", requires=OWN_LOG_FORMAT)
def fix_public_formatter_path(run: Run) -> Verdict:
    public = run.path("log_config.json").read_text(encoding="utf-8")
    run.write("written_for_018.json", public.replace("uvicorn.logging.", "uvicorn._logging."))
    first = _start_with(run, "written_for_018.json")
    if isinstance(first, Verdict):
        return first
    launch, errors = first
    loaded = launch.state == "serving" or launch.find(STARTUP_LINE)
    rejected = f"was rejected: {errors[-1] if errors else launch.state}"
    before = f"the uvicorn._logging config {'loaded' if loaded else rejected}; renamed, "
    run.step("renaming the formatters to uvicorn.logging.* and starting again")
    run.write("written_for_018.json", public)
    return _judge(_start_with(run, "written_for_018.json"), "renamed-serves", before)
