"""Evidence files stored by SHA-256, written atomically, with size limits and type checks."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from redline.errors import InputError, StorageFullError

# Types accepted as evidence, by their leading bytes: documents, images, archives, text.
_SIGNATURES: list[tuple[bytes, str]] = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"PK\x03\x04", "application/zip"),
    (b"\x1f\x8b", "application/gzip"),
]
_RIFF_WEBP = (b"RIFF", b"WEBP")
_DIGEST = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int
    media_type: str


def sniff(head: bytes) -> str | None:
    """The media type the content shows, or None when it is not an accepted type."""
    for magic, media_type in _SIGNATURES:
        if head.startswith(magic):
            return media_type
    if head[:4] == _RIFF_WEBP[0] and head[8:12] == _RIFF_WEBP[1]:
        return "image/webp"
    if head and b"\x00" not in head[:4096]:
        try:
            head[:4096].decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head[:4096]) - 4:  # a multi-byte character cut at the end is fine
                return None
        return "text/plain"
    return None


class BlobStore:
    def __init__(self, root: Path, max_bytes: int) -> None:
        self.root = root
        self.max_bytes = max_bytes

    def path_for(self, sha256: str) -> Path:
        """Where the blob with this digest lives. Only a lowercase hex SHA-256 names a blob: any other text
        (a path, `..`, an absolute name) is refused, so nothing a user writes is ever joined into a path."""
        if not isinstance(sha256, str) or not _DIGEST.fullmatch(sha256):
            raise InputError("not a SHA-256 digest (64 lowercase hex characters)", field="sha256")
        return self.root / sha256[:2] / sha256

    def put(self, stream: BinaryIO, filename: str, *, any_type: bool = False) -> StoredBlob:
        """Store the stream; refuse it if too large or of an unaccepted type. Nothing partial stays.
        `any_type`: patrol samples (audio, video, anything a probe reads) skip the evidence type check."""
        self.root.mkdir(parents=True, exist_ok=True)
        sha, size, head = hashlib.sha256(), 0, b""
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=".upload-")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(1024 * 1024):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise InputError(f"file larger than {self.max_bytes} bytes", field="file", source=filename)
                    if len(head) < 4096:
                        head += chunk[: 4096 - len(head)]
                    sha.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if size == 0:
                raise InputError("file is empty", field="file", source=filename)
            media_type = sniff(head) or ("application/octet-stream" if any_type else None)
            if media_type is None:
                raise InputError(
                    "file type not accepted as evidence (PDF, images, ZIP, gzip or UTF-8 text)",
                    field="file",
                    source=filename,
                )
            digest = sha.hexdigest()
            target = self.path_for(digest)
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                tmp.unlink()
            else:
                tmp.replace(target)
            return StoredBlob(digest, size, media_type)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            if exc.errno == errno.ENOSPC:
                raise StorageFullError("the evidence store is full; nothing was stored", source=filename) from None
            raise
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def open(self, sha256: str) -> BinaryIO:
        return self.path_for(sha256).open("rb")
