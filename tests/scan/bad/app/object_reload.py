import uvicorn as u
from fastapi import FastAPI

app = FastAPI()

if __name__ == "__main__":
    u.run(app, reload=True)
    u.run(app=app, workers=4)
