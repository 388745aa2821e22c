"""How redline's processes log: one line per record to stderr, as text or as JSON (REDLINE_LOG_FORMAT)."""

from __future__ import annotations

import json
import logging
import traceback
from typing import Any


class TextFormatter(logging.Formatter):
    """`time level [request id] message`, and the traceback of an error on the lines below."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        request_id = getattr(record, "request_id", None)
        line = super().format(record)
        return line.replace(f" {record.name} ", f" {record.name} [{request_id}] ", 1) if request_id else line


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id and status when known, error."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("request_id", "status"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["error"] = "".join(traceback.format_exception(*record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def logging_config(level: str, fmt: str) -> dict[str, Any]:
    """A logging.dictConfig for the server: redline's and uvicorn's loggers to stderr at `level`."""
    formatter = {"()": f"{__name__}.{'JsonFormatter' if fmt == 'json' else 'TextFormatter'}"}
    handler = {"class": "logging.StreamHandler", "formatter": "main", "stream": "ext://sys.stderr"}
    logger = {"handlers": ["stderr"], "level": level.upper(), "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"main": formatter},
        "handlers": {"stderr": handler},
        "loggers": {
            "redline": logger,
            "uvicorn": logger,
            "uvicorn.error": {"level": level.upper()},
            "uvicorn.access": {"handlers": [], "propagate": False},
        },
    }
