"""A script that starts its own server, as tutorials often show: doctor scan flags it."""

import uvicorn
from fastapi import FastAPI

app = FastAPI()

uvicorn.run(app, reload=True)
