import uvicorn

uvicorn.run("app.web:app")
