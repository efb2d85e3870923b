"""A container's shell-form CMD: ``uvicorn $APP_MODULE --host 127.0.0.1 --port $PORT``.

The shell expands the variable; unquoted and empty, it disappears from the
command line. ``SERVER_CMD`` is the server's command (shell-quoted),
``SERVER_FLAGS`` the release's extra flags, ``APP_WORD`` the word the CMD has
where the import string goes (default ``$APP_MODULE``).
"""

import os

word = os.environ.get("APP_WORD", "$APP_MODULE")
line = (
    f'exec {os.environ["SERVER_CMD"]} {word} --host 127.0.0.1 --port "$PORT" '
    f"{os.environ.get('SERVER_FLAGS', '')}"
)
os.execvp("sh", ["sh", "-c", line])
