"""The one settings record: CLI options and ``run()`` keywords are derived from it.

Every field is a plain, picklable value, so a :class:`Settings` crosses the
process boundary to ``spawn``ed workers unchanged. What cannot cross it (the
imported app, the SSL context) is created from these values in the serving
process, by :mod:`reference_server.loading`.
"""

from __future__ import annotations

import dataclasses
import ssl
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from reference_server.errors import ConfigError

LifespanMode = Literal["auto", "on", "off"]
LogLevel = Literal["critical", "error", "warning", "info", "debug", "trace"]

LIFESPAN_MODES: tuple[str, ...] = ("auto", "on", "off")
LOG_LEVELS: tuple[str, ...] = ("critical", "error", "warning", "info", "debug", "trace")
DEFAULT_RELOAD_INCLUDES: tuple[str, ...] = ("*.py",)
DEFAULT_RELOAD_EXCLUDES: tuple[str, ...] = (".*", "*.py[cod]", "*.sw?", "~*", "__pycache__")


def option(
    default: Any,
    help: str,
    *,
    flag: str | None = None,
    multiple: bool = False,
    negatable: bool = False,
    choices: tuple[str, ...] | None = None,
    cli: bool = True,
) -> Any:
    """Declare a settings field together with what the CLI needs to expose it."""
    meta = {
        "help": help,
        "flag": flag,
        "multiple": multiple,
        "negatable": negatable,
        "choices": choices,
        "cli": cli,
    }
    if isinstance(default, (list, dict)):
        raise TypeError("use a tuple for a multi-valued default")
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class Settings:
    """Everything the server needs, as plain values (see docs/reference-server.md)."""

    app: str = option("", "the ASGI application as MODULE:ATTR", cli=False)
    host: str = option("127.0.0.1", "bind socket to this host")
    port: int = option(8000, "bind socket to this port; 0 picks a free port")
    uds: str | None = option(None, "bind to a UNIX domain socket at this path")
    fd: int | None = option(None, "serve on an already-bound socket, given as a file descriptor")
    backlog: int = option(2048, "maximum number of pending connections")
    workers: int = option(1, "number of worker processes")
    reload: bool = option(False, "restart on changes to watched files")
    reload_dirs: tuple[str, ...] = option(
        (),
        "directory to watch (repeatable; default: the working directory)",
        multiple=True,
        flag="--reload-dir",
    )
    reload_includes: tuple[str, ...] = option(
        (),
        "glob of files to watch, added to *.py (repeatable)",
        multiple=True,
        flag="--reload-include",
    )
    reload_excludes: tuple[str, ...] = option(
        (),
        "glob of files or directories to ignore (repeatable)",
        multiple=True,
        flag="--reload-exclude",
    )
    reload_delay: float = option(0.25, "seconds between two scans of the watched files")
    ssl_keyfile: str | None = option(None, "TLS private key file (PEM)")
    ssl_certfile: str | None = option(None, "TLS certificate chain file (PEM)")
    ssl_keyfile_password: str | None = option(None, "password of an encrypted key file")
    ssl_ca_certs: str | None = option(None, "CA certificates file, to verify client certificates")
    ssl_cert_reqs: int = option(
        int(ssl.CERT_NONE), "client certificate requirement: 0 none, 1 optional, 2 required"
    )
    lifespan: str = option("auto", "lifespan protocol handling", choices=LIFESPAN_MODES)
    timeout_keep_alive: float = option(5.0, "close idle keep-alive connections after this")
    timeout_graceful_shutdown: float = option(
        30.0, "on shutdown, wait this long for in-flight requests before closing them"
    )
    timeout_slow_client: float = option(
        30.0, "close a connection whose request head or body stalls this long"
    )
    timeout_worker_startup: float = option(
        60.0, "a worker that is not serving after this long has failed to start"
    )
    limit_concurrency: int | None = option(
        None, "answer 503 once this many connections are open in one worker"
    )
    h11_max_incomplete_event_size: int = option(
        16384, "largest request head (bytes) accepted; larger ones get 431"
    )
    log_level: str = option("info", "log level", choices=LOG_LEVELS)
    access_log: bool = option(True, "log one line per request", negatable=True)
    root_path: str = option("", "ASGI root_path, for apps mounted below a path prefix")
    app_dir: str = option(".", "directory added to sys.path before importing the app")
    factory: bool = option(False, "treat MODULE:ATTR as a factory returning the app")

    def __post_init__(self) -> None:
        for name in ("reload_dirs", "reload_includes", "reload_excludes"):
            value = getattr(self, name)
            if isinstance(value, str):
                object.__setattr__(self, name, (value,))
            elif not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))

    @property
    def uses_child_processes(self) -> bool:
        """True when the app must be imported in spawned processes."""
        return self.reload or self.workers > 1

    @property
    def uses_tls(self) -> bool:
        return self.ssl_certfile is not None

    def check(self) -> None:
        """Raise :class:`ConfigError` for any value or combination that cannot work."""
        problems: list[str] = []
        if self.workers < 1:
            problems.append(f"--workers must be at least 1 (got {self.workers})")
        if not 0 <= self.port <= 65535:
            problems.append(f"--port must be between 0 and 65535 (got {self.port})")
        if self.lifespan not in LIFESPAN_MODES:
            problems.append(f"--lifespan must be one of {', '.join(LIFESPAN_MODES)}")
        if self.log_level not in LOG_LEVELS:
            problems.append(f"--log-level must be one of {', '.join(LOG_LEVELS)}")
        if self.ssl_cert_reqs not in (0, 1, 2):
            problems.append(f"--ssl-cert-reqs must be 0, 1 or 2 (got {self.ssl_cert_reqs})")
        if self.ssl_keyfile is not None and self.ssl_certfile is None:
            problems.append("--ssl-keyfile needs --ssl-certfile")
        if self.uds is not None and self.fd is not None:
            problems.append("--uds and --fd cannot be combined")
        for name in (
            "timeout_keep_alive",
            "timeout_graceful_shutdown",
            "timeout_slow_client",
            "timeout_worker_startup",
            "reload_delay",
        ):
            if getattr(self, name) < 0:
                problems.append(f"--{name.replace('_', '-')} cannot be negative")
        if self.limit_concurrency is not None and self.limit_concurrency < 1:
            problems.append("--limit-concurrency must be at least 1")
        if problems:
            raise ConfigError("invalid options:\n  " + "\n  ".join(problems))

    @classmethod
    def from_kwargs(cls, app: str, kwargs: Mapping[str, Any]) -> Settings:
        """Build settings from ``run()`` keywords, rejecting unknown names clearly."""
        known = {f.name for f in dataclasses.fields(cls)} - {"app"}
        unknown = sorted(set(kwargs) - known)
        if unknown:
            raise ConfigError(
                f"unknown option(s) for reference_server.run(): {', '.join(unknown)}; "
                f"known options: {', '.join(sorted(known))}"
            )
        return cls(app=app, **kwargs)

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


def cli_fields() -> Iterable[dataclasses.Field[Any]]:
    """The settings fields exposed as command-line options, in declaration order."""
    return (f for f in dataclasses.fields(Settings) if f.metadata.get("cli", True))
