import uvicorn

if __name__ == "__main__":
    uvicorn.run("app.web:app", debug=True)
    config = uvicorn.Config("app.web:app", debug=False)
