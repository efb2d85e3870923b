"""Run ``uvicorn ARGS --host 127.0.0.1 --port $PORT`` (or the reference server)
the way a container's app user does: unable to read a directory owned by someone else.

Root reads every directory, so when started as root this launcher first moves
into a new user namespace that maps only uid/gid 0: it stays root for files
owned by root (the interpreter, the app) but loses its override for files owned
by any other uid, such as ``pgdata/`` (uid 999, mode 0700), like a database
volume mounted into the project. Exit status 97 means that was not possible.
"""

import ctypes
import os
import sys
from pathlib import Path

CLONE_NEWUSER = 0x10000000


def _drop_root_override() -> None:
    uid, gid = os.getuid(), os.getgid()
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWUSER) != 0:
        print(
            f"DOCTOR-NA: unshare(CLONE_NEWUSER) failed: {os.strerror(ctypes.get_errno())}",
            flush=True,
        )
        sys.exit(97)
    with Path("/proc/self/setgroups").open("w") as f:
        f.write("deny")
    with Path("/proc/self/uid_map").open("w") as f:
        f.write(f"0 {uid} 1")
    with Path("/proc/self/gid_map").open("w") as f:
        f.write(f"0 {gid} 1")


if __name__ == "__main__":
    if os.geteuid() == 0:
        _drop_root_override()
    if os.access("pgdata", os.R_OK):
        print("DOCTOR-NA: pgdata/ is still readable", flush=True)
        sys.exit(97)
    server, *args = sys.argv[1:]
    sys.argv = [server, *args, "--host", "127.0.0.1", "--port", os.environ["PORT"]]
    if server == "uvicorn":
        from uvicorn.main import main
    else:
        from reference_server.cli import main
    sys.exit(main())
