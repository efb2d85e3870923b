"""The library entry points: :func:`serve` (raises) and :func:`run` (exits like uvicorn.run)."""

from __future__ import annotations

import contextlib
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Any

from reference_server.errors import EXIT_OK, NotMainThread, ServerError
from reference_server.guard import check_app_object, check_main_guard
from reference_server.loading import ASGIApp, check_tls, split_import_string
from reference_server.logs import Logger
from reference_server.settings import Settings
from reference_server.sockets import bind_socket, describe
from reference_server.version import __version__

__all__ = ["run", "serve"]


def _child_options(settings: Settings) -> str:
    parts = []
    if settings.reload:
        parts.append("reload=True")
    if settings.workers > 1:
        parts.append(f"workers={settings.workers}")
    return ", ".join(parts)


def serve(
    settings: Settings,
    app: ASGIApp | None = None,
    *,
    caller: FrameType | None = None,
    logger: Logger | None = None,
) -> int:
    """Serve until stopped; return the exit code. Raises :class:`ServerError`.

    ``app`` is an application object (only without reload/workers); otherwise
    ``settings.app`` names it as ``MODULE:ATTR``. ``caller`` is the frame that
    called :func:`run`, used to detect a missing main guard.
    """
    settings.check()
    log = logger or Logger(settings.log_level)
    if settings.uses_child_processes:
        options = _child_options(settings)
        if app is not None:
            check_app_object(app, options, caller)
        check_main_guard(settings.app, options, caller)
        if threading.current_thread() is not threading.main_thread():
            # The supervisor must own SIGINT/SIGTERM/SIGHUP, and Python delivers
            # signals to the main thread only: refuse before anything is bound.
            raise NotMainThread(
                f"reference_server.run({options}) was called from the thread "
                f"{threading.current_thread().name!r}: a reload or multi-worker supervisor "
                "handles signals, which only the main thread receives. Call run() from the "
                "main thread (and start your other work in threads), or serve a single "
                "process from the thread."
            )
    if app is None:
        split_import_string(settings.app)
    if settings.uses_tls:
        check_tls(settings)  # fail fast, before a socket, a child or an https:// URL exists
    mode = "reload" if settings.reload else "workers" if settings.workers > 1 else "single"
    log.info("starting", version=__version__, app=settings.app or "<object>", mode=mode)
    sock = bind_socket(settings)
    try:
        log.info("listening", **describe(sock, settings.uses_tls))
        if settings.uses_child_processes:
            from reference_server.supervisor import Supervisor

            return Supervisor(settings, sock, log).run()
        from reference_server.worker import serve_in_process

        serve_in_process(settings, sock, log, app)
        return EXIT_OK
    finally:
        sock.close()
        if settings.uds is not None:
            with contextlib.suppress(OSError):
                Path(settings.uds).unlink()


def run(app: ASGIApp | str, **options: Any) -> None:
    """Serve ``app`` (an import string, or an object without reload/workers), like
    ``uvicorn.run``: a user error is logged and the process exits with its code."""
    caller = sys._getframe(1)
    log_level = str(options.get("log_level", "info"))
    try:
        if isinstance(app, str):
            settings = Settings.from_kwargs(app, options)
            code = serve(settings, caller=caller)
        else:
            settings = Settings.from_kwargs("", options)
            code = serve(settings, app, caller=caller)
    except ServerError as exc:
        Logger(log_level).fatal(exc)
        code = exc.exit_code
    if code != EXIT_OK:
        sys.exit(code)
