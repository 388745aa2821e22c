"""The server's own log: one line per request, and each unhandled error with its request id.

Written by the outermost middleware, so every answer is counted, pages, API, static files and errors alike.
A line holds method, path, status, duration, who (user id or anonymous) and the request id that the response
also carries as `X-Request-ID`. Query values whose names suggest a secret are replaced by `[redacted]`; headers,
cookies and bodies are never logged, so no password, token, session cookie or CSRF value can reach a line.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import time
from urllib.parse import parse_qsl, quote

from starlette.types import ASGIApp, Message, Receive, Scope, Send

ACCESS = logging.getLogger("redline.access")
ERRORS = logging.getLogger("redline.error")
SECRET_NAME = re.compile(r"token|pass|secret|csrf|session|key|auth|code|sig|cookie", re.IGNORECASE)
REDACTED = "[redacted]"
MAX_PATH = 512  # a longer path is cut: a log line stays a line


def loggable_target(path: str, query: bytes) -> str:
    """The path, and the query with secret-looking values redacted, cut to MAX_PATH characters."""
    target = path
    if query:
        pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
        target += "?" + "&".join(f"{quote(k)}={REDACTED if SECRET_NAME.search(k) else quote(v)}" for k, v in pairs)
    target = target.encode("unicode_escape").decode("ascii")  # no control characters, no forged lines
    return target if len(target) <= MAX_PATH else target[:MAX_PATH] + "…"


def _user(scope: Scope) -> str:
    state = scope.get("state", {})
    principal = state.get("principal") or state.get("api_principal")
    user_id = getattr(principal, "user_id", None)
    return str(user_id) if user_id is not None else "anonymous"


class RequestLogMiddleware:
    """Pure ASGI middleware (no buffering of bodies); a crash becomes a 500 problem answer plus one error entry."""

    def __init__(self, app: ASGIApp, headers: dict[str, str]) -> None:
        self.app, self.headers = app, headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = secrets.token_hex(8)
        scope.setdefault("state", {})["request_id"] = request_id
        started, status = time.perf_counter(), 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            ERRORS.error("unhandled error", exc_info=exc, extra={"request_id": request_id})
            if status == 0:
                status = 500
                await self._internal_error(send, request_id)
        finally:
            ACCESS.info(
                "%s %s %s %.1fms user=%s",
                scope["method"],
                loggable_target(scope["path"], scope.get("query_string", b"")),
                status,
                (time.perf_counter() - started) * 1000,
                _user(scope),
                extra={"request_id": request_id, "status": status},
            )

    async def _internal_error(self, send: Send, request_id: str) -> None:
        body = json.dumps(
            {
                "type": "https://redline.invalid/problems/internal-error",
                "title": "internal error",
                "status": 500,
                "detail": "an internal error occurred; quote the request id to the operator",
                "request_id": request_id,
            }
        ).encode()
        headers = [
            (b"content-type", b"application/problem+json"),
            (b"content-length", str(len(body)).encode()),
            (b"x-request-id", request_id.encode()),
            *((k.lower().encode(), v.encode()) for k, v in self.headers.items()),
        ]
        await send({"type": "http.response.start", "status": 500, "headers": headers})
        await send({"type": "http.response.body", "body": body})
