"""Answers every request with its path and the size of the body it read."""

from repro_apps import body_size

app = body_size()
