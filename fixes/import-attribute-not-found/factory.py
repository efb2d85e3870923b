"""The app exists only inside a function (an app factory); there is no module-level `app`."""

from repro_apps import App, text


def create_app() -> App:
    return text(b"served by factory:create_app", handles_lifespan=False)
