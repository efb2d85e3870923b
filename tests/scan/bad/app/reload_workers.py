import uvicorn

if __name__ == "__main__":
    uvicorn.run("app.web:app", reload=True, workers=4)
