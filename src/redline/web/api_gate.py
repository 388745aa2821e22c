"""GET /api/v1/services/{id}/gate-baseline: what `redline gate` compares a manifest with."""

from __future__ import annotations

from fastapi import APIRouter

from redline.services.gate.gate_baseline import GateBaseline, gate_baseline
from redline.web.api_spec import SERVICES
from redline.web.deps import ApiUser, CtxDep, IdPath
from redline.words import N_

router = APIRouter(prefix="/api/v1", tags=[SERVICES])


@router.get(
    "/services/{service_id}/gate-baseline",
    summary=N_("Read a service's release-gate baseline"),
    description=N_(
        "What `redline gate` compares a manifest with: the service as last accepted, and its filings. "
        "The provider's own accounts only; 404 for anyone else."
    ),
)
def get_gate_baseline(ctx: CtxDep, p: ApiUser, service_id: IdPath) -> GateBaseline:
    return gate_baseline(ctx, p, service_id)
