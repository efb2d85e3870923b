"""A start script's command line, run by ``sh -c`` as a shell-form Docker CMD is.

``SERVER_CMD`` is the server's command (shell-quoted), ``ARGS`` the rest of the
line exactly as written in the script (the shell expands it: globs, quotes),
``SERVER_FLAGS`` the release's extra flags.
"""

import os

line = f"exec {os.environ['SERVER_CMD']} {os.environ['ARGS']} {os.environ.get('SERVER_FLAGS', '')}"
os.execvp("sh", ["sh", "-c", line])
