"""The entry conditions: a closed vocabulary, with the question the guided mode asks
about each (an entry's ``conditions`` table may name only these; see
``docs/kb-schema.md``, "conditions")."""

from __future__ import annotations

from troubleshoot.vocab import PLATFORMS

# Value type: bool, or a str naming the platform.
CONDITIONS: dict[str, str] = {
    "reload": "Did you start uvicorn with --reload (or reload=True)?",
    "workers": "Did you run more than one worker (--workers N, or workers=N with N > 1)?",
    "ssl": "Did you pass TLS files (--ssl-certfile / --ssl-keyfile)?",
    "app_object": "Did you pass the application object itself (uvicorn.run(app)) "
    'rather than an import string ("module:app")?',
    "programmatic": "Do you start uvicorn from Python code (uvicorn.run(...)) "
    "rather than the uvicorn command?",
    "main_guard_missing": "Is the uvicorn.run(...) call at module level, outside "
    '`if __name__ == "__main__":`?',
    "debugger": "Was the server running under a debugger or IDE runner (PyCharm, VS Code)?",
    "app_crashed": "Had your application crashed (an exception while importing or "
    "starting) before the reload?",
    "platform": "Which operating system runs the server (linux, darwin, win32)?",
    "gunicorn": "Do you run uvicorn through gunicorn (-k uvicorn.workers.UvicornWorker)?",
    "notebook": "Is the code running inside Jupyter, IPython or another running event loop?",
    "frozen": "Is the program frozen into an executable (PyInstaller, Nuitka)?",
    "container": "Does the server run in a container, WSL or a VM with mounted sources?",
    "proxy": "Is the server behind a reverse proxy or load balancer?",
    "websocket": "Does the failing request use WebSockets?",
    "http": "Which HTTP implementation serves the requests (h11 or httptools)?",
}
# Conditions whose value is a choice, not true/false.
CONDITION_CHOICES: dict[str, tuple[str, ...]] = {
    "platform": PLATFORMS,
    "http": ("h11", "httptools"),
}
