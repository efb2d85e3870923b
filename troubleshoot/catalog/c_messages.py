"""Messages written in C (CPython's core and C modules) or by the operating system.

The extractor reads Python source only; these are the few C and OS texts that uvicorn
failures surface through, written by hand. Each has the Python versions (minor
releases) whose interpreter holds it. For an entry with ``c_format`` (the format
string as it stands in CPython's C source) those versions are checked by the
generator against the interpreters pyenv has installed: it searches their binaries
(``bin/pythonX.Y``, ``libpython*.so``, ``lib-dynload/*.so``) for the string and fails
when the list below disagrees. OS texts (``package="os"``) hold for every Python;
their ``module`` names the platform whose C library or API produces them. The
Linux texts are glibc's ``strerror``, the macOS ones BSD libc's, the Windows ones
``FormatMessage`` text with the trailing period that Python strips removed; asyncio
lowercases the strerror of a failed bind (``error while attempting to bind on
address ...: address already in use``), so those have a lowercase entry too.

Messages that CPython also has in Python with the same text (``no running event
loop``, ``There is no current event loop in thread %r.``, ``Task was destroyed but it
is pending!``, ``Can't pickle %r: it's not the same object as %s.%s``, ``can't pickle
%s objects``) are extracted from the standard library's source and are not repeated
here; the generator refuses a duplicate.
"""

from __future__ import annotations

from dataclasses import dataclass

ALL_PYTHONS = (">=3.6",)


@dataclass(frozen=True)
class CMessage:
    """One hand-written message."""

    template: str  # text form: {} placeholders, literal braces doubled
    exc_type: str | None
    module: str  # the C source file, or the platform ("Linux libc strerror")
    python: tuple[str, ...]  # python_version ranges
    c_format: tuple[str, ...] = ()  # the C format strings that render it, if from CPython
    kind: str = "raise"
    package: str = "stdlib"
    note: str = ""


MESSAGES: tuple[CMessage, ...] = (
    # -- pickling (multiprocessing spawn, --workers/--reload on Windows and macOS) --
    CMessage(
        "Can't pickle local object {}",
        "AttributeError",
        "Modules/_pickle.c",
        (">=3.6,<3.13",),
        ("Can't pickle local object %R",),
    ),
    CMessage(
        "Can't pickle local attribute {} on {}",
        "AttributeError",
        "Modules/_pickle.c",
        (">=3.6,<3.13",),
        ("Can't pickle local attribute %R on %R",),
    ),
    CMessage(
        "Can't get local object {}",
        "AttributeError",
        "Modules/_pickle.c",
        (">=3.13",),
        ("Can't get local object %R",),
        note="3.13 replaced 'Can't pickle local object'",
    ),
    CMessage(
        "Can't pickle {}: attribute lookup {} on {} failed",
        "PicklingError",
        "Modules/_pickle.c",
        ALL_PYTHONS,
        ("Can't pickle %R: attribute lookup %S on %S failed",),
    ),
    CMessage(
        "Can't pickle {}: import of module {} failed",
        "PicklingError",
        "Modules/_pickle.c",
        ALL_PYTHONS,
        ("Can't pickle %R: import of module %R failed",),
    ),
    CMessage(
        "cannot pickle '{}' object",
        "TypeError",
        "Objects/typeobject.c",
        (">=3.8",),
        ("cannot pickle '%.200s' object",),
    ),
    # -- signals and threads (uvicorn.run() outside the main thread) --
    CMessage(
        "signal only works in main thread",
        "ValueError",
        "Modules/signalmodule.c",
        (">=3.6,<3.9",),
        ("signal only works in main thread",),
    ),
    CMessage(
        "signal only works in main thread of the main interpreter",
        "ValueError",
        "Modules/signalmodule.c",
        (">=3.9",),
        ("signal only works in main thread of the main interpreter",),
    ),
    CMessage(
        "set_wakeup_fd only works in main thread",
        "ValueError",
        "Modules/signalmodule.c",
        (">=3.6,<3.9",),
        ("set_wakeup_fd only works in main thread",),
    ),
    CMessage(
        "set_wakeup_fd only works in main thread of the main interpreter",
        "ValueError",
        "Modules/signalmodule.c",
        (">=3.9",),
        ("set_wakeup_fd only works in main thread of the main interpreter",),
    ),
    # -- attributes (sys.stdout/sys.stderr are None under pythonw or a windowed build) --
    CMessage(
        "'{}' object has no attribute '{}'",
        "AttributeError",
        "Objects/object.c",
        ALL_PYTHONS,
        (
            "'%.50s' object has no attribute '%U'",
            "'%.100s' object has no attribute '%U'",
            "'%T' object has no attribute '%s'",
        ),
    ),
    CMessage(
        "'NoneType' object has no attribute 'isatty'",
        "AttributeError",
        "Objects/object.c",
        ALL_PYTHONS,
        note="the generic attribute error rendered for sys.stdout or sys.stderr being None",
    ),
    CMessage(
        "'NoneType' object has no attribute 'write'",
        "AttributeError",
        "Objects/object.c",
        ALL_PYTHONS,
        note="the generic attribute error rendered for sys.stdout or sys.stderr being None",
    ),
    # -- coroutines --
    CMessage(
        "coroutine '{}' was never awaited",
        "RuntimeWarning",
        "Objects/genobject.c",
        ALL_PYTHONS,
        ("coroutine '%S' was never awaited", "coroutine '%.50S' was never awaited"),
        kind="warn",
    ),
    CMessage(
        "cannot reuse already awaited coroutine",
        "RuntimeError",
        "Objects/genobject.c",
        ALL_PYTHONS,
        ("cannot reuse already awaited coroutine",),
    ),
    CMessage(
        "can't open file {}: [Errno {}] {}",
        None,
        "Modules/main.c",
        ALL_PYTHONS,
        ("%S: can't open file %R: [Errno %d] %s\n", "%ls: can't open file '%s': [Errno %d] %s\n"),
        kind="print",
        note="python given a script path that does not exist",
    ),
    # -- TLS (--ssl-keyfile / --ssl-certfile) --
    CMessage(
        "[SSL] PEM lib (_ssl.c:{})",
        "SSLError",
        "Modules/_ssl.c with OpenSSL's error text",
        ALL_PYTHONS,
        note="a key or certificate file that is not PEM, or a key that does not fit the cert",
    ),
    CMessage(
        "[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:{})",
        "SSLError",
        "Modules/_ssl.c with OpenSSL's error text",
        ALL_PYTHONS,
    ),
    CMessage(
        "[SSL: HTTP_REQUEST] http request (_ssl.c:{})",
        "SSLError",
        "Modules/_ssl.c with OpenSSL's error text",
        ALL_PYTHONS,
        note="plain HTTP sent to a TLS port",
    ),
    # -- OS errors: Linux (glibc strerror) --
    CMessage(
        "[Errno 98] Address already in use",
        "OSError",
        "Linux libc strerror",
        ALL_PYTHONS,
        package="os",
    ),
    CMessage(
        "[Errno 99] Cannot assign requested address",
        "OSError",
        "Linux libc strerror",
        ALL_PYTHONS,
        package="os",
    ),
    CMessage(
        "[Errno 97] Address family not supported by protocol",
        "OSError",
        "Linux libc strerror",
        ALL_PYTHONS,
        package="os",
    ),
    CMessage(
        "[Errno 104] Connection reset by peer",
        "ConnectionResetError",
        "Linux libc strerror",
        ALL_PYTHONS,
        package="os",
    ),
    CMessage(
        "[Errno 111] Connection refused",
        "ConnectionRefusedError",
        "Linux libc strerror",
        ALL_PYTHONS,
        package="os",
    ),
    CMessage(
        "[Errno -2] Name or service not known",
        "gaierror",
        "Linux libc gai_strerror",
        ALL_PYTHONS,
        package="os",
    ),
    CMessage(
        "[Errno -3] Temporary failure in name resolution",
        "gaierror",
        "Linux libc gai_strerror",
        ALL_PYTHONS,
        package="os",
    ),
    # -- OS errors: Linux and macOS alike --
    CMessage(
        "[Errno 13] Permission denied",
        "PermissionError",
        "Linux and macOS libc strerror",
        ALL_PYTHONS,
        package="os",
    ),
    CMessage(
        "[Errno 2] No such file or directory",
        "FileNotFoundError",
        "Linux and macOS libc strerror",
        ALL_PYTHONS,
        package="os",
    ),
    CMessage(
        "[Errno 24] Too many open files",
        "OSError",
        "Linux and macOS libc strerror",
        ALL_PYTHONS,
        package="os",
    ),
    CMessage(
        "[Errno 32] Broken pipe",
        "BrokenPipeError",
        "Linux and macOS libc strerror",
        ALL_PYTHONS,
        package="os",
    ),
    CMessage(
        "address already in use",
        "OSError",
        "Linux and macOS libc strerror",
        ALL_PYTHONS,
        package="os",
        note="lowercased by asyncio's create_server",
    ),
    CMessage(
        "cannot assign requested address",
        "OSError",
        "Linux libc strerror",
        ALL_PYTHONS,
        package="os",
        note="lowercased by asyncio's create_server",
    ),
    # -- OS errors: macOS (BSD libc strerror) --
    CMessage(
        "[Errno 48] Address already in use",
        "OSError",
        "macOS libc strerror",
        ALL_PYTHONS,
        package="os",
    ),
    CMessage(
        "[Errno 49] Can't assign requested address",
        "OSError",
        "macOS libc strerror",
        ALL_PYTHONS,
        package="os",
    ),
    CMessage(
        "can't assign requested address",
        "OSError",
        "macOS libc strerror",
        ALL_PYTHONS,
        package="os",
        note="lowercased by asyncio's create_server",
    ),
    CMessage(
        "[Errno 54] Connection reset by peer",
        "ConnectionResetError",
        "macOS libc strerror",
        ALL_PYTHONS,
        package="os",
    ),
    CMessage(
        "[Errno 61] Connection refused",
        "ConnectionRefusedError",
        "macOS libc strerror",
        ALL_PYTHONS,
        package="os",
    ),
    CMessage(
        "[Errno 8] nodename nor servname provided, or not known",
        "gaierror",
        "macOS libc gai_strerror",
        ALL_PYTHONS,
        package="os",
    ),
    # -- OS errors: Windows (FormatMessage, Winsock) --
    CMessage(
        "[WinError 10048] Only one usage of each socket address (protocol/network address/port)"
        " is normally permitted",
        "OSError",
        "Windows FormatMessage",
        ALL_PYTHONS,
        package="os",
    ),
    CMessage(
        "only one usage of each socket address (protocol/network address/port) is normally"
        " permitted",
        "OSError",
        "Windows FormatMessage",
        ALL_PYTHONS,
        package="os",
        note="lowercased by asyncio's create_server",
    ),
    CMessage(
        "[WinError 10013] An attempt was made to access a socket in a way forbidden by its"
        " access permissions",
        "PermissionError",
        "Windows FormatMessage",
        ALL_PYTHONS,
        package="os",
    ),
    CMessage(
        "an attempt was made to access a socket in a way forbidden by its access permissions",
        "PermissionError",
        "Windows FormatMessage",
        ALL_PYTHONS,
        package="os",
        note="lowercased by asyncio's create_server",
    ),
    CMessage(
        "[WinError 10049] The requested address is not valid in its context",
        "OSError",
        "Windows FormatMessage",
        ALL_PYTHONS,
        package="os",
    ),
    CMessage(
        "the requested address is not valid in its context",
        "OSError",
        "Windows FormatMessage",
        ALL_PYTHONS,
        package="os",
        note="lowercased by asyncio's create_server",
    ),
    CMessage(
        "[WinError 10054] An existing connection was forcibly closed by the remote host",
        "ConnectionResetError",
        "Windows FormatMessage",
        ALL_PYTHONS,
        package="os",
    ),
    CMessage(
        "[WinError 10053] An established connection was aborted by the software in your host"
        " machine",
        "ConnectionAbortedError",
        "Windows FormatMessage",
        ALL_PYTHONS,
        package="os",
    ),
    CMessage(
        "[WinError 10061] No connection could be made because the target machine actively"
        " refused it",
        "ConnectionRefusedError",
        "Windows FormatMessage",
        ALL_PYTHONS,
        package="os",
    ),
    CMessage(
        "[Errno 11001] getaddrinfo failed", "gaierror", "Windows Winsock", ALL_PYTHONS, package="os"
    ),
)
