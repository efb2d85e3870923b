import uvicorn

if __name__ == "__main__":
    uvicorn.run(
        "app.web:app",
        reload=True,
        ssl_certfile="cert.pem",
        ssl_keyfile="key.pem",
    )
