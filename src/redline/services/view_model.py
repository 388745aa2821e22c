"""The base of the typed rows use cases hand to the CLI and the web: read from a table row once, then frozen."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ViewModel(BaseModel):
    model_config = ConfigDict(from_attributes=True, frozen=True)
