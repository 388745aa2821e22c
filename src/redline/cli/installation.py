"""The installation a platform command acts on: its settings from the environment, and its context.

The database stack loads only when a platform command runs, so `redline check` starts fast."""

from __future__ import annotations

from typing import TYPE_CHECKING

from redline.errors import InputError

if TYPE_CHECKING:
    from redline.config import Settings
    from redline.services.context import Context


def platform_settings() -> Settings:
    """REDLINE_* settings; a bad value is the user's input error (exit 2), named."""
    from redline.config import Settings

    try:
        return Settings()
    except ValueError as exc:
        raise InputError(f"settings: {exc}") from None


def platform_context() -> Context:
    from redline.bootstrap import build_context

    return build_context(platform_settings())
