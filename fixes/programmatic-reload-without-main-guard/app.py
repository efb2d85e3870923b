"""The application, imported by name ("app:app") in every child process."""

from repro_apps import dual, text

app = dual(text(b"ok", handles_lifespan=False))
