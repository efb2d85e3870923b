import uvicorn
from app.web import app

if __name__ == "__main__":
    uvicorn.run(app, reload=True)  # doctor: ignore[app-instance-with-workers-or-reload] demo only
