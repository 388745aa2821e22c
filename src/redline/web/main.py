"""ASGI factory for uvicorn workers: settings from the environment."""

from __future__ import annotations

from fastapi import FastAPI

from redline.bootstrap import build_context
from redline.web.app import create_app


def create() -> FastAPI:
    return create_app(build_context())
