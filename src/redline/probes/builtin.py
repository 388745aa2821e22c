"""The built-in probes, registered through the same hook third-party plugins use."""

from __future__ import annotations

from redline.probes.base import Probe
from redline.probes.hooks import hookimpl


@hookimpl
def redline_register_probes() -> list[Probe]:
    from redline.probes.aigc.probe import AigcLabelProbe
    from redline.probes.content_screen.probe import ContentScreenProbe
    from redline.probes.log_retention.probe import LogRetentionProbe

    return [AigcLabelProbe(), LogRetentionProbe(), ContentScreenProbe()]
