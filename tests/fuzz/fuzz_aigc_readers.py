"""Coverage-guided fuzzing of every aigc-label carrier reader with atheris (libFuzzer).

Each input picks a reader by its first byte; the reader must return a list or raise CarrierError.
Any other exception, a hang (-timeout) or runaway memory (-rss_limit_mb) is a crash.

    python tests/fuzz/fuzz_aigc_readers.py -max_total_time=600      # a longer run, on demand
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from redline.probes.aigc import carriers
    from redline.probes.aigc.label import RawLabel, check_label

    FORMATS = sorted(set(carriers.READERS))
    READERS = {fmt: carriers.reader(fmt) for fmt in FORMATS}  # imports every reader module, instrumented


def test_one_input(data: bytes) -> None:
    if not data:
        return
    fmt = FORMATS[data[0] % len(FORMATS)]
    read = READERS[fmt]
    assert read is not None
    try:
        labels = read(data[1:])
    except carriers.CarrierError:
        return
    assert isinstance(labels, list)
    for label in labels:
        assert isinstance(label, RawLabel)
        check_label(label)


def seed(directory: str) -> None:
    """Write a seed corpus: one small valid labelled file per writable format, prefixed with its byte."""
    import io
    import pathlib

    from PIL import Image

    from redline.probes.aigc.label import label_json

    text = label_json("1", "X1", "P1")
    for fmt, pil in (("jpeg", "JPEG"), ("png", "PNG"), ("webp", "WEBP"), ("gif", "GIF"), ("tiff", "TIFF")):
        buffer = io.BytesIO()
        Image.new("RGB", (8, 8)).save(buffer, pil)
        data = buffer.getvalue()
        write = carriers.writer(fmt)
        data = write(data, text) if write else data
        pathlib.Path(directory, fmt).write_bytes(bytes([FORMATS.index(fmt)]) + data)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--seed":
        seed(sys.argv[2])
        sys.exit(0)
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
