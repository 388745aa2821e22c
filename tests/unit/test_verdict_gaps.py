"""Verdicts issue 20 found missed on independent samples: each sample is made here, from the statute and the
label facts, not copied from anywhere."""

from __future__ import annotations

import io
import json
from pathlib import Path

from PIL import Image

from redline.domain.assessment import Severity
from redline.probes.aigc import carriers
from redline.probes.aigc.probe import AigcLabelProbe
from redline.probes.base import Verdict

PRODUCER = "001191110102MACQD9K64010000"


def _jpeg(exif: Image.Exif | None = None) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 30, 30)).save(out, "JPEG", **({"exif": exif} if exif is not None else {}))
    return out.getvalue()


def _labelled(tmp_path: Path, fields: dict[str, str]) -> Path:
    write = carriers.writer("jpeg")
    assert write is not None
    path = tmp_path / "picture.jpg"
    path.write_bytes(write(_jpeg(), json.dumps({"AIGC": fields}, separators=(",", ":"))))
    return path


def _not_yet_propagated() -> dict[str, str]:
    return {"Label": "1", "ContentProducer": PRODUCER, "ProduceID": "img-20260101-0001", "ReservedCode1": "",
            "ContentPropagator": "", "PropagateID": "", "ReservedCode2": ""}


def test_a_label_not_yet_propagated_is_compliant_with_a_warning(tmp_path: Path) -> None:
    result = AigcLabelProbe().check_file(_labelled(tmp_path, _not_yet_propagated()), {})
    assert result.verdict is Verdict.COMPLIANT
    warnings = [f for f in result.findings if "ContentPropagator" in f.message or "PropagateID" in f.message]
    assert len(warnings) == 2
    assert {f.severity for f in warnings} == {Severity.LOW}
    assert result.details["labels"][0]["problems"] == []


def test_strict_propagation_calls_the_same_label_non_compliant(tmp_path: Path) -> None:
    result = AigcLabelProbe().check_file(_labelled(tmp_path, _not_yet_propagated()), {"strict_propagation": True})
    assert result.verdict is Verdict.NON_COMPLIANT
    assert {f.severity for f in result.findings} == {Severity.HIGH}


def test_an_empty_producer_is_still_non_compliant_without_strictness(tmp_path: Path) -> None:
    fields = {**_not_yet_propagated(), "ContentProducer": ""}
    assert AigcLabelProbe().check_file(_labelled(tmp_path, fields), {}).verdict is Verdict.NON_COMPLIANT


def _comment(text: str) -> Image.Exif:
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9286] = b"ASCII\x00\x00\x00" + text.encode("ascii")
    return exif


def test_an_exif_usercomment_holding_the_word_aigc_is_no_label_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "mention.jpg"
    path.write_bytes(_jpeg(_comment("AIGC")))
    result = AigcLabelProbe().check_file(path, {})
    assert result.verdict is Verdict.NO_LABEL
    assert not any("JSON" in f.message for f in result.findings)
    assert any("AIGC" in note for note in result.details["notes"])


def test_an_exif_usercomment_with_a_broken_label_object_is_still_checked(tmp_path: Path) -> None:
    path = tmp_path / "broken.jpg"
    path.write_bytes(_jpeg(_comment('{"AIGC":{"Label":"1",')))
    result = AigcLabelProbe().check_file(path, {})
    assert result.verdict is Verdict.NON_COMPLIANT
    assert any("not valid JSON" in f.message for f in result.findings)
