"""The errors the reference server raises on purpose.

Every failure a user can cause is a :class:`ServerError`. They are raised deep
inside and turned into a log line plus an exit code in exactly one place per
process entry (``cli.main``, ``run`` and the worker process entry)::

    ServerError                     exit 2 unless stated
    ├── ConfigError                 an option or combination of options is unusable
    │   ├── TLSConfigError          certificate, key or password cannot be loaded
    │   ├── AppObjectNotImportable  an app *object* with reload or workers > 1
    │   └── MainGuardMissing        run(reload/workers) at import time of __main__
    └── StartupError                exit 3: the server could not start serving
        ├── AppLoadError            the app import string failed to import / resolve
        ├── LifespanStartupFailed   the app's lifespan startup failed
        └── BindError               the socket could not be bound or adopted

Anything else escaping is a bug in the server and keeps its traceback.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_CONFIG = 2
EXIT_STARTUP = 3


class ServerError(Exception):
    """Base of every expected failure; rendered once, at the process entry."""

    exit_code: int = EXIT_CONFIG
    event: str = "config_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigError(ServerError):
    """An option, or a combination of options, cannot be used."""


class TLSConfigError(ConfigError):
    """The TLS inputs (certificate, key, password, CA file) cannot be loaded."""

    event = "tls_config_error"


class AppObjectNotImportable(ConfigError):
    """An application object was given where a child process must import it."""

    event = "app_object_not_importable"


class MainGuardMissing(ConfigError):
    """``run()`` with reload or workers was called while ``__main__`` was importing."""

    event = "main_guard_missing"


class NotMainThread(ConfigError):
    """reload or workers requested from a thread other than the main one."""

    event = "not_main_thread"


class StartupError(ServerError):
    """The server could not start serving."""

    exit_code = EXIT_STARTUP
    event = "startup_failed"


class AppLoadError(StartupError):
    """The application import string could not be imported or resolved."""

    event = "app_load_failed"


class LifespanStartupFailed(StartupError):
    """The application reported (or raised) a failure during lifespan startup."""

    event = "lifespan_startup_failed"


class BindError(StartupError):
    """The listening socket could not be bound or adopted."""

    event = "bind_failed"
