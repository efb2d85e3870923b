"""Issue 15: the bind failures stay apart. "Cannot assign requested address" (the host is
not an address of this machine) and WinError 10013 (a port Windows reserves) are not
"address already in use", and an address-in-use paste claims neither of them. The pastes
are written here from what uvicorn and asyncio print (kb/catalog/c.json), not copied."""

from __future__ import annotations

import pytest

from troubleshoot.diagnose import diagnose
from troubleshoot.kbstore import Store

STARTED = (
    "INFO:     Started server process [41]\n"
    "INFO:     Waiting for application startup.\n"
    "INFO:     Application startup complete.\n"
)

CANNOT_ASSIGN = [
    STARTED + "ERROR:    [Errno 99] error while attempting to bind on address "
    "('::1', 8000, 0, 0): cannot assign requested address\n"
    "INFO:     Waiting for application shutdown.\n",
    STARTED + "ERROR:    [Errno 49] error while attempting to bind on address "
    "('10.0.0.7', 8000): can't assign requested address\n",
    "INFO:     Will watch for changes in these directories: ['/srv/app']\n"
    "ERROR:    [Errno 99] Cannot assign requested address\n",
]

FORBIDDEN = [
    "INFO:     Will watch for changes in these directories: ['C:\\\\srv\\\\app']\n"
    "ERROR:    [WinError 10013] An attempt was made to access a socket in a way "
    "forbidden by its access permissions\n",
    STARTED + "ERROR:    [Errno 10013] error while attempting to bind on address "
    "('127.0.0.1', 8000): an attempt was made to access a socket in a way forbidden "
    "by its access permissions\n",
]

IN_USE = [
    STARTED + "ERROR:    [Errno 98] error while attempting to bind on address "
    "('0.0.0.0', 8000): address already in use\n",
    "INFO:     Will watch for changes in these directories: ['/srv/app']\n"
    "ERROR:    [Errno 98] Address already in use\n",
    STARTED + "ERROR:    [Errno 10048] error while attempting to bind on address "
    "('127.0.0.1', 8000): only one usage of each socket address (protocol/network "
    "address/port) is normally permitted\n",
]


def _claimed(text: str, store: Store) -> tuple[list[str], list[str]]:
    result = diagnose(text, store, use_environment=False)
    return [m.entry.id for m in result.matches], [m.entry.id for m in result.likely]


@pytest.mark.parametrize("text", CANNOT_ASSIGN)
def test_cannot_assign_is_not_address_in_use(text: str, real_store: Store) -> None:
    matches, likely = _claimed(text, real_store)
    assert matches[:1] == ["bind-cannot-assign-address"], (matches, likely)
    assert "address-already-in-use" not in matches + likely


@pytest.mark.parametrize("text", FORBIDDEN)
def test_windows_forbidden_is_not_address_in_use(text: str, real_store: Store) -> None:
    matches, likely = _claimed(text, real_store)
    assert matches[:1] == ["windows-bind-forbidden"], (matches, likely)
    assert "address-already-in-use" not in matches + likely


@pytest.mark.parametrize("text", IN_USE)
def test_address_in_use_is_neither(text: str, real_store: Store) -> None:
    matches, likely = _claimed(text, real_store)
    assert matches[:1] == ["address-already-in-use"], (matches, likely)
    assert not {"bind-cannot-assign-address", "windows-bind-forbidden"} & set(matches + likely)


def test_a_connect_error_is_not_a_bind_error(real_store: Store) -> None:
    """The same strerror from an outgoing connection of the app is another failure."""
    text = (
        "ERROR:    Exception in ASGI application\n"
        "Traceback (most recent call last):\n"
        '  File "/srv/app/main.py", line 12, in index\n'
        "    r = httpx.get(URL)\n"
        "httpx.ConnectError: [Errno 99] Cannot assign requested address\n"
    )
    matches, likely = _claimed(text, real_store)
    assert "bind-cannot-assign-address" not in matches + likely


def test_another_programs_not_connected_error_is_not_port_zero(real_store: Store) -> None:
    """WSAENOTCONN from a client's recv() is not uvicorn 0.13.4's --port 0 startup crash."""
    text = (
        "Traceback (most recent call last):\n"
        '  File "C:\\\\tools\\\\client.py", line 40, in <module>\n'
        "    data = sock.recv(4)\n"
        "OSError: [WinError 10057] A request to send or receive data was disallowed because "
        "the socket is not connected and (when sending on a datagram socket using a sendto "
        "call) no address was supplied\n"
    )
    matches, likely = _claimed(text, real_store)
    assert "port-zero-windows" not in matches + likely
