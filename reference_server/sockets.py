"""Bind the listening socket once, in the parent; workers receive it by fd passing."""

from __future__ import annotations

import contextlib
import socket
import stat
from pathlib import Path

from reference_server.errors import BindError
from reference_server.settings import Settings


def bind_socket(settings: Settings) -> socket.socket:
    """Create (or adopt, with ``--fd``) the listening socket described by ``settings``."""
    if settings.fd is not None:
        return _adopt_fd(settings.fd, settings.backlog)
    if settings.uds is not None:
        return _bind_unix(settings.uds, settings.backlog)
    return _bind_inet(settings.host, settings.port, settings.backlog)


def _bind_inet(host: str, port: int, backlog: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind((host, port))
        sock.listen(backlog)
    except OSError as exc:
        sock.close()
        raise BindError(f"cannot bind {host}:{port}: {exc.strerror or exc}") from exc
    sock.set_inheritable(False)
    return sock


def _bind_unix(path: str, backlog: int) -> socket.socket:
    target = Path(path)
    with contextlib.suppress(FileNotFoundError):
        if stat.S_ISSOCK(target.lstat().st_mode):
            target.unlink()  # a stale socket from an earlier run
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(path)
        target.chmod(0o666)
        sock.listen(backlog)
    except OSError as exc:
        sock.close()
        raise BindError(f"cannot bind unix socket {path}: {exc.strerror or exc}") from exc
    return sock


def _adopt_fd(fd: int, backlog: int) -> socket.socket:
    try:
        sock = socket.socket(fileno=fd)
        sock.listen(backlog)
    except OSError as exc:
        raise BindError(f"cannot use file descriptor {fd} as a listening socket: {exc}") from exc
    return sock


def describe(sock: socket.socket, tls: bool) -> dict[str, str | int]:
    """Log fields for the ``listening`` event, with the real (bound) port."""
    scheme = "https" if tls else "http"
    if sock.family == socket.AF_UNIX:
        path = sock.getsockname()
        return {"url": f"{scheme}+unix://{path}", "uds": str(path)}
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if sock.family == socket.AF_INET6 else host
    return {"url": f"{scheme}://{shown}:{port}", "host": host, "port": port}
