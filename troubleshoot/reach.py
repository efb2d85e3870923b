"""Does the project run uvicorn the way an entry needs? (check-env's relevance)

An affected version matters only where the entry's ``conditions`` (and its
``needs``) can hold. :class:`Project` is what check-env knows about the target:
the launch commands ``doctor scan``'s readers found, the installed
distributions, and the target's platform. :func:`reach` answers per entry:

- ``reached``: every condition is seen to hold (the evidence names the place);
- ``possible``: none is ruled out, at least one cannot be seen;
- ``not-reached``: one is ruled out (the evidence says why).

Launch conditions (``reload``, ``ssl``, ...) must hold together in one launch:
``--reload`` in the Dockerfile and ``--ssl-certfile`` in a script do not make
one server started with both.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from troubleshoot.report.model import Location, Reach
from troubleshoot.scan.model import Launch, Span
from troubleshoot.schema import Entry
from troubleshoot.versions import canonicalize_name, contains

Value = bool | str | None  # None: cannot be told


@dataclass(frozen=True)
class Project:
    launches: tuple[Launch, ...] = ()
    read: tuple[str, ...] = ()  # the folders whose launch commands were read
    installed: Mapping[str, str] | None = None  # canonical name -> version, when known
    complete: bool = False  # ``installed`` lists every installed distribution
    platform: str | None = None  # linux, darwin, win32
    # Where the project names uvicorn (pyproject.toml:12): the place a finding from an
    # installed environment points at, since code scanning needs a file for each result.
    manifest: Location | None = None


def _flag(name: str) -> Callable[[Launch, Project], Value]:
    def read(launch: Launch, _project: Project) -> Value:
        if name not in launch.options:
            return False
        value = launch.options[name]
        return None if value is None else value is True

    return read


def _workers(launch: Launch, _project: Project) -> Value:
    if "workers" not in launch.options:
        return False
    value = launch.options["workers"]
    return value > 1 if isinstance(value, int) and not isinstance(value, bool) else None


def _ssl(launch: Launch, _project: Project) -> Value:
    return any(key in launch.options for key in ("ssl_certfile", "ssl_keyfile", "certfile"))


def _app_object(launch: Launch, _project: Project) -> Value:
    return None if launch.app == "unknown" else launch.app == "object"


def _gunicorn(launch: Launch, _project: Project) -> Value:
    worker = launch.options.get("worker_class")
    return launch.via == "gunicorn" or (isinstance(worker, str) and "uvicorn" in worker.lower())


def _http(launch: Launch, project: Project) -> Value:
    """The HTTP implementation the launch gets: --http, else auto (httptools if importable)."""
    given = launch.options.get("http", "auto")
    if given in ("h11", "httptools"):
        return str(given)
    if given != "auto" or project.installed is None:
        return None
    if "httptools" in project.installed:
        return "httptools"
    return "h11" if project.complete else None


_CONTAINER_FILE = re.compile(
    r"(^|[/\\])((Docker|Container)file([.-][^/\\]*)?|[^/\\]*\.[Dd]ockerfile|"
    r"(docker-)?compose([.-][^/\\]*)?\.ya?ml)$"
)


def _container(launch: Launch, _project: Project) -> Value:
    """A launch in a Dockerfile or compose file runs in a container; elsewhere, who knows."""
    return True if _CONTAINER_FILE.search(launch.span.path) else None


# What uvicorn does with no option given (`uvicorn app:app`): the defaults.
_DEFAULT_LAUNCH = Launch(Span("", 0, 0), "cli", "command", "uvicorn APP")


# Conditions read off one launch command.
LAUNCH_CONDITIONS: dict[str, Callable[[Launch, Project], Value]] = {
    "reload": _flag("reload"),
    "workers": _workers,
    "ssl": _ssl,
    "app_object": _app_object,
    "programmatic": lambda launch, _p: launch.via == "python",
    "main_guard_missing": lambda launch, _p: launch.guard_missing,
    "gunicorn": _gunicorn,
    "notebook": lambda launch, _p: "notebook" in launch.contexts,
    "http": _http,
    "container": _container,
}

_SPELLING = {
    "reload": "--reload",
    "workers": "--workers N (N > 1)",
    "ssl": "--ssl-certfile/--ssl-keyfile",
    "app_object": "the application object (not an import string)",
    "programmatic": "uvicorn.run()",
    "main_guard_missing": 'uvicorn.run() outside `if __name__ == "__main__":`',
    "gunicorn": "gunicorn with a uvicorn worker",
    "notebook": "a notebook",
    "container": "a container",
}


def _describe(name: str, expected: bool | str) -> str:
    if name == "http":
        return f"--http {expected}"
    spelled = _SPELLING.get(name, name)
    return spelled if expected is True else f"no {spelled}"


def _place(launch: Launch) -> str:
    return f"{launch.span.path}:{launch.span.line} runs `{launch.text}`"


def reach(entry: Entry, project: Project, pairs: tuple[str, ...] = ()) -> Reach:
    """How ``project`` stands to the entry's conditions and needs. ``pairs``: what the
    affected range that holds needs of another package (``affected.needs``, a release
    too old for this uvicorn): only a pin or an installed release can reach it, since a
    resolver left to itself installs one uvicorn supports."""
    unseen: list[str] = []
    seen: list[str] = []
    for need in pairs:
        held, why = _need(need, project)
        if held is None:
            name = _requirement(need)[0]
            return Reach(
                "not-reached",
                f"needs {need}; {name} is not pinned, and an installer resolves one this "
                "uvicorn supports",
            )
        if held is False:
            return Reach("not-reached", why)
        seen.append(why)
    for need in entry.needs:
        held, why = _need(need, project)
        if held is False:
            return Reach("not-reached", why)
        (seen if held else unseen).append(why)
    if (platform := entry.conditions.get("platform")) is not None:
        if project.platform is None:
            unseen.append(f"the platform ({platform}) is not known")
        elif project.platform != platform:
            return Reach("not-reached", f"needs {platform}; the target is {project.platform}")
        else:
            seen.append(f"the target is {platform}")
    if (
        entry.conditions.get("websocket") is True
        and project.complete
        and project.installed is not None
        and not any(lib in project.installed for lib in ("websockets", "wsproto"))
    ):
        return Reach("not-reached", "needs WebSockets; no websocket library is installed")
    launch_conds = {k: v for k, v in entry.conditions.items() if k in LAUNCH_CONDITIONS}
    if "http" in launch_conds and not project.launches:
        # No launch found: uvicorn's default (--http auto) still tells which one serves.
        served = _http(_DEFAULT_LAUNCH, project)
        wanted = launch_conds.pop("http")
        if served is not None and served != wanted:
            return Reach(
                "not-reached",
                f"needs --http {wanted}; {served} serves by default here "
                f"({'httptools is installed' if served == 'httptools' else 'httptools is not'})",
            )
        if served is None:
            unseen.append(f"whether {wanted} serves the requests cannot be seen from here")
        else:
            seen.append(f"{served} serves by default here")
    where = None
    if launch_conds:
        status, why, launch = _launches(launch_conds, project)
        if status == "not-reached":
            return Reach("not-reached", why)
        (seen if status == "reached" else unseen).append(why)
        where = Location(launch.span.path, launch.span.line) if launch else None
    others = sorted(
        k for k in entry.conditions if k not in LAUNCH_CONDITIONS and k not in ("platform",)
    )
    unseen += [f"{k} cannot be seen from here" for k in others if k != "websocket"]
    if entry.conditions.get("websocket") is True:
        unseen.append("whether the failing requests use WebSockets cannot be seen from here")
    if unseen:
        return Reach("possible", "; ".join([*seen, *unseen]), where)
    if not seen:
        return Reach("reached", "it needs no particular configuration")
    return Reach("reached", "; ".join(seen), where)


def _requirement(need: str) -> tuple[str, str]:
    """(canonical name, specifier) of a PEP 508 requirement as the KB writes them."""
    from packaging.requirements import Requirement

    req = Requirement(need)
    return canonicalize_name(req.name), str(req.specifier)


def _need(need: str, project: Project) -> tuple[bool | None, str]:
    name, spec = _requirement(need)
    installed = (project.installed or {}).get(name)
    if installed is None:
        if project.complete:
            return False, f"needs {need}; {name} is not installed"
        return None, f"needs {need}; the {name} version is not known"
    if not spec or contains(spec, installed):
        return True, f"{name} {installed} is installed"
    return False, f"needs {need}; {name} is {installed}"


def _launches(conds: Mapping[str, bool | str], project: Project) -> tuple[str, str, Launch | None]:
    wanted = " with ".join(_describe(k, v) for k, v in conds.items())
    if not project.launches:
        where = ", ".join(project.read) if project.read else "no project folder was read"
        return (
            "possible",
            f"no launch command found ({where}) to tell whether it runs {wanted}",
            None,
        )
    undecided: list[Launch] = []
    for launch in project.launches:
        values = {k: LAUNCH_CONDITIONS[k](launch, project) for k in conds}
        if any(v is not None and v != conds[k] for k, v in values.items()):
            continue
        if all(v is not None for v in values.values()):
            return "reached", _place(launch), launch
        undecided.append(launch)
    if undecided:
        return "possible", f"{_place(undecided[0])}, which may run {wanted}", undecided[0]
    if len(project.launches) == 1:
        only = project.launches[0]
        where = f"{only.span.path}:{only.span.line}"
        return "not-reached", f"the one launch command found ({where}) does not run {wanted}", None
    count = len(project.launches)
    return "not-reached", f"none of the {count} launch commands found runs {wanted}", None
