import uvicorn as u
from app.main import app


def main() -> None:
    # An object is fine without reload and workers.
    u.run(app, host="0.0.0.0", port=8000)


def dev() -> None:
    u.run("app.main:app", reload=True, reload_dirs=["app"])


if __name__ == "__main__":
    main()
