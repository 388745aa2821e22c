"""GET /api/v1/services/{id}/gate-baseline: what `redline gate` compares a manifest with."""

from __future__ import annotations

from fastapi import APIRouter

from redline.services.gate.gate_baseline import GateBaseline, gate_baseline
from redline.web.deps import ApiUser, CtxDep, IdPath

router = APIRouter(prefix="/api/v1")


@router.get("/services/{service_id}/gate-baseline")
def get_gate_baseline(ctx: CtxDep, p: ApiUser, service_id: IdPath) -> GateBaseline:
    """The service as last accepted, and its filings; the provider's own users only, 404 otherwise."""
    return gate_baseline(ctx, p, service_id)
