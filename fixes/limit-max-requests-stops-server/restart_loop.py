"""What a process manager with a restart policy does (systemd ``Restart=always``,
Docker ``--restart always``, supervisord ``autorestart``): start the server again
each time it exits. ``SERVER_CMD`` is the server's command line (shell-quoted), the
arguments follow it, then ``--host 127.0.0.1 --port $PORT``."""

import os
import shlex
import subprocess
import sys
import time

argv = [*shlex.split(os.environ["SERVER_CMD"]), *sys.argv[1:]]
argv += ["--host", "127.0.0.1", "--port", os.environ["PORT"]]
for attempt in range(20):
    print(f"restart_loop: start {attempt + 1}", flush=True)
    subprocess.run(argv, check=False)
    time.sleep(0.2)
