#!/bin/bash
cd /srv && exec uvicorn app.web:app --reload --workers=3
