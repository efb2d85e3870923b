import uvicorn

DEBUG = False


def run(reload_flag: bool, workers: int) -> None:
    # Values unknown here: scan does not guess.
    uvicorn.run("app.main:app", reload=reload_flag, workers=workers)


if __name__ == "__main__":
    run(reload_flag=DEBUG, workers=1)
