"""The gate's client for the platform: fetch a service's baseline with an API token."""

from __future__ import annotations

import httpx
from pydantic import ValidationError

from redline.errors import InputError, RedlineError
from redline.services.gate.gate_baseline import GateBaseline


class PlatformUnreachableError(RedlineError):
    """The platform could not be asked, or did not answer sensibly: the gate cannot decide."""

    exit_code = 3


def _problem(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict):
        return str(body.get("detail") or body.get("title") or body)[:300]
    return str(body)[:300]


def fetch_baseline(url: str, token: str, service_id: int, timeout: float = 30.0) -> GateBaseline:
    """GET /api/v1/services/{id}/gate-baseline; a refusal is the user's error, an outage is not."""
    target = f"{url.rstrip('/')}/api/v1/services/{service_id}/gate-baseline"
    try:
        response = httpx.get(
            target, headers={"Authorization": f"Bearer {token}", "Accept": "application/json"}, timeout=timeout
        )
    except httpx.HTTPError as exc:
        raise PlatformUnreachableError(
            f"cannot reach the platform: {type(exc).__name__}: {exc}", source=target
        ) from None
    if response.status_code in (401, 403):
        raise InputError(
            f"the platform refused the token ({response.status_code}): {_problem(response)}",
            source=target,
            field="--token",
        )
    if response.status_code == 404:
        raise InputError(
            f"no service {service_id} visible to this token: {_problem(response)}", source=target, field="--service"
        )
    if response.status_code >= 400:
        kind = PlatformUnreachableError if response.status_code >= 500 else InputError
        raise kind(f"the platform answered {response.status_code}: {_problem(response)}", source=target)
    try:
        return GateBaseline.model_validate(response.json())
    except (ValueError, ValidationError) as exc:
        raise PlatformUnreachableError(
            f"the platform's answer is not a gate baseline: {exc}"[:400], source=target
        ) from None
