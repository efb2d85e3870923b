"""A FastAPI app as many projects start: the Dockerfile runs it with --reload."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/")
def index() -> dict[str, str]:
    return {"hello": "world"}
