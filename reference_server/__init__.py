"""The uvicorn-doctor reference ASGI server: reload, workers and TLS done right.

``python -m reference_server MODULE:ATTR [options]`` or
``reference_server.run(app, **options)``; see docs/reference-server.md.
"""

from reference_server.errors import (
    AppLoadError,
    AppObjectNotImportable,
    BindError,
    ConfigError,
    LifespanStartupFailed,
    MainGuardMissing,
    ServerError,
    StartupError,
    TLSConfigError,
)
from reference_server.server import run, serve
from reference_server.settings import Settings
from reference_server.version import __version__

__all__ = [
    "AppLoadError",
    "AppObjectNotImportable",
    "BindError",
    "ConfigError",
    "LifespanStartupFailed",
    "MainGuardMissing",
    "ServerError",
    "Settings",
    "StartupError",
    "TLSConfigError",
    "__version__",
    "run",
    "serve",
]
