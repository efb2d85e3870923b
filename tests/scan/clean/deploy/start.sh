#!/bin/sh
set -e
pip install --quiet uvicorn  # installing is not launching
echo "starting uvicorn with 4 workers"
exec uvicorn app.main:app \
    --host 0.0.0.0 \
    --workers "${WEB_CONCURRENCY:-4}"
