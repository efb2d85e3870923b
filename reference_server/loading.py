"""Second phase of the configuration: what is built inside the serving process.

The imported application and the SSL context cannot (and must not) be pickled
across processes, so every worker builds its own from the plain values in
:class:`~reference_server.settings.Settings`. The parent calls
:func:`check_tls` once before spawning anything so bad TLS inputs fail fast.
"""

from __future__ import annotations

import importlib
import ssl
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from reference_server.errors import AppLoadError, ConfigError, TLSConfigError
from reference_server.settings import Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def split_import_string(target: str) -> tuple[str, str]:
    module, sep, attr = target.partition(":")
    if not sep or not module or not attr:
        raise ConfigError(
            f'application must be given as "MODULE:ATTR" (for example "main:app"), got {target!r}'
        )
    return module, attr


def import_app(settings: Settings) -> ASGIApp:
    """Import ``settings.app`` (``MODULE:ATTR``), calling it first with ``--factory``."""
    module_name, attr_path = split_import_string(settings.app)
    if settings.app_dir:
        app_dir = str(Path(settings.app_dir).resolve())
        if app_dir not in sys.path:
            sys.path.insert(0, app_dir)
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and module_name.startswith(exc.name):
            raise AppLoadError(f"could not import module {module_name!r}: {exc}") from exc
        raise AppLoadError(f"importing {module_name!r} failed: {exc!r}") from exc
    except Exception as exc:
        raise AppLoadError(
            f"importing {module_name!r} failed: {type(exc).__name__}: {exc}"
        ) from exc
    obj: Any = module
    for part in attr_path.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError as exc:
            raise AppLoadError(
                f"attribute {attr_path!r} not found in module {module_name!r}"
            ) from exc
    if settings.factory:
        try:
            obj = obj()
        except Exception as exc:
            raise AppLoadError(
                f"app factory {settings.app!r} raised {type(exc).__name__}: {exc}"
            ) from exc
    if not callable(obj):
        raise AppLoadError(f"{settings.app!r} is not callable (got {type(obj).__name__})")
    return wrap_app(obj)


def wrap_app(obj: Any) -> ASGIApp:
    """Accept ASGI 3 callables as they are; ASGI 2 (``app(scope)`` returning a coroutine
    function) is adapted."""
    import inspect

    if inspect.isclass(obj):
        return _asgi2_adapter(obj)
    try:
        params = inspect.signature(obj).parameters
    except (TypeError, ValueError):
        return obj  # type: ignore[no-any-return]
    if len(params) == 1:
        return _asgi2_adapter(obj)
    return obj  # type: ignore[no-any-return]


def _asgi2_adapter(obj: Any) -> ASGIApp:
    async def asgi3(scope: Scope, receive: Receive, send: Send) -> None:
        instance = obj(scope)
        await instance(receive, send)

    return asgi3


def build_ssl_context(settings: Settings) -> ssl.SSLContext | None:
    """Create the server-side SSL context, or ``None`` without TLS settings."""
    if settings.ssl_certfile is None:
        return None
    for label, path in (
        ("--ssl-certfile", settings.ssl_certfile),
        ("--ssl-keyfile", settings.ssl_keyfile),
        ("--ssl-ca-certs", settings.ssl_ca_certs),
    ):
        if path is not None and not Path(path).is_file():
            raise TLSConfigError(f"{label} {path!r}: no such file")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    # Without a password OpenSSL would prompt on the terminal; an empty one fails instead.
    password: str | Callable[[], str] = (
        settings.ssl_keyfile_password if settings.ssl_keyfile_password is not None else _no_password
    )
    try:
        context.load_cert_chain(settings.ssl_certfile, settings.ssl_keyfile, password=password)
    except ssl.SSLError as exc:
        hint = ""
        if _key_is_encrypted(settings.ssl_keyfile or settings.ssl_certfile):
            hint = (
                "; the key is encrypted: pass --ssl-keyfile-password"
                if settings.ssl_keyfile_password is None
                else "; the key is encrypted: wrong --ssl-keyfile-password?"
            )
        raise TLSConfigError(
            f"cannot load certificate {settings.ssl_certfile!r} with key "
            f"{settings.ssl_keyfile or settings.ssl_certfile!r}: {exc.reason or exc}{hint}"
        ) from exc
    except (OSError, ValueError, TypeError) as exc:
        raise TLSConfigError(f"cannot load certificate {settings.ssl_certfile!r}: {exc}") from exc
    context.verify_mode = ssl.VerifyMode(settings.ssl_cert_reqs)
    if settings.ssl_ca_certs is not None:
        try:
            context.load_verify_locations(settings.ssl_ca_certs)
        except (ssl.SSLError, OSError) as exc:
            raise TLSConfigError(
                f"cannot load --ssl-ca-certs {settings.ssl_ca_certs!r}: {exc}"
            ) from exc
    return context


def _key_is_encrypted(path: str) -> bool:
    try:
        return b"ENCRYPTED" in Path(path).read_bytes()
    except OSError:
        return False


def _no_password() -> str:
    return ""


def check_tls(settings: Settings) -> None:
    """Validate the TLS inputs in the parent; the context built here is thrown away."""
    build_ssl_context(settings)
