"""C2PA manifests, read offline with c2pa-python, behind a cheap byte pre-filter.

Pre-filter (after c2pa-rs `sdk/src/asset_handlers/*`): a JPEG APP11 segment carrying
a `jumb` box, a PNG `caBX` chunk, a top-level BMFF `uuid` box d8fec3d6-1b0e-483c-9297-5828877ec481, a
RIFF `C2PA` chunk, a TIFF IFD0 tag 0xCD41, a GIF `C2PA_GIF` extension, an ID3 GEOB of type
application/c2pa, a PDF embedded file of type application/x-c2pa-manifest-store, a ZIP member
META-INF/content_credential.c2pa; and, for a manifest kept elsewhere, an XMP `dcterms:provenance`.
Files without any of these return None without touching c2pa.

Offline: the Reader gets a Context whose settings turn off remote manifest fetching
(`verify.remote_manifest_fetch`) and OCSP fetching (`verify.ocsp_fetch`), and allow no network host
at all (`core.allowed_network_hosts = []`, which c2pa-rs's RestrictedResolver reads as "deny every
URI"). A manifest kept at a URL is therefore reported as remote and not checked. No trust list is
loaded (fetching one would need the network), so a valid signature reads "Valid", not "Trusted",
with `signingCredential.untrusted` among the errors.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Literal

from redline.probes.aigc.carriers import Buffer

SCAN_LIMIT = 64 << 20
MAX_UNITS = 100_000
C2PA_UUID = bytes.fromhex("d8fec3d61b0e483c92975828877ec481")
XMP_UUID = bytes.fromhex("be7acfcb97a942e89c71999491e3afac")
PROVENANCE = b"dcterms:provenance"
AI_SOURCE_TYPES = ("trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia")
OFFLINE_SETTINGS: dict[str, Any] = {
    "verify": {"remote_manifest_fetch": False, "ocsp_fetch": False},
    "core": {"allowed_network_hosts": []},
}
MIME = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "wav": "audio/wav",
    "avi": "video/avi",
    "tiff": "image/tiff",
    "gif": "image/gif",
    "mp4": "video/mp4",
    "mov": "video/quicktime",
    "m4a": "audio/mp4",
    "heif": "image/heif",
    "avif": "image/avif",
    "mp3": "audio/mpeg",
    "flac": "audio/flac",
    "pdf": "application/pdf",
    "ooxml": "application/x-zip",
    "zip": "application/x-zip",
}
EMBEDDED, REMOTE = "embedded", "remote"
Order = Literal["little", "big"]


# --- pre-filter ----------------------------------------------------------------------------------


def _u32(data: Buffer, pos: int, order: Order = "big") -> int:
    return int.from_bytes(data[pos : pos + 4], order)


def _has(data: Buffer, needle: bytes, start: int, stop: int) -> bool:
    return data.find(needle, max(0, start), min(len(data), stop)) >= 0


def _jpeg(data: Buffer) -> str | None:
    pos, n, remote = 2, len(data), False
    for _ in range(MAX_UNITS):
        if pos + 4 > n or data[pos] != 0xFF:
            break
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if marker in (0x01, 0xD8) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no more APP segments
            break
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        if length < 2:
            break
        if marker == 0xEB and _has(data, b"jumb", pos + 4, min(pos + 2 + length, pos + 64)):
            return EMBEDDED
        if marker == 0xE1 and _has(data, PROVENANCE, pos + 4, pos + 2 + length):
            remote = True
        pos += 2 + length
    return REMOTE if remote else None


def _png(data: Buffer) -> str | None:
    pos, n, remote = 8, len(data), False
    for _ in range(MAX_UNITS):
        if pos + 8 > n:
            break
        length, kind = _u32(data, pos), bytes(data[pos + 4 : pos + 8])
        if kind == b"caBX":
            return EMBEDDED
        if kind in (b"iTXt", b"tEXt") and _has(data, PROVENANCE, pos + 8, pos + 8 + length):
            remote = True
        if kind == b"IEND":
            break
        pos += 12 + length
    return REMOTE if remote else None


def _bmff(data: Buffer) -> str | None:
    pos, n, remote = 0, len(data), False
    for _ in range(MAX_UNITS):
        if pos + 8 > n:
            break
        size, header = _u32(data, pos), 8
        if size == 1:
            size, header = int.from_bytes(data[pos + 8 : pos + 16], "big"), 16
        elif size == 0:
            size = n - pos
        if size < header:
            break
        if data[pos + 4 : pos + 8] == b"uuid":
            extended = bytes(data[pos + header : pos + header + 16])
            if extended == C2PA_UUID:
                return EMBEDDED
            if extended == XMP_UUID and _has(data, PROVENANCE, pos + header, pos + size):
                remote = True
        pos += size
    return REMOTE if remote else None


def _riff(data: Buffer) -> str | None:
    pos, n, remote = 12, len(data), False
    for _ in range(MAX_UNITS):
        if pos + 8 > n:
            break
        chunk, size = bytes(data[pos : pos + 4]), _u32(data, pos + 4, "little")
        if chunk == b"C2PA":
            return EMBEDDED
        if chunk == b"XMP " and _has(data, PROVENANCE, pos + 8, pos + 8 + size):
            remote = True
        pos += 8 + size + (size & 1)
    return REMOTE if remote else None


def _tiff(data: Buffer) -> str | None:
    order: Order = "little" if data[:2] == b"II" else "big"
    if int.from_bytes(data[2:4], order) != 42:
        return _search(data, (), remote_too=True)  # BigTIFF: not walked
    ifd = _u32(data, 4, order)
    count = int.from_bytes(data[ifd : ifd + 2], order)
    remote = False
    for index in range(min(count, 4096)):
        entry = ifd + 2 + 12 * index
        tag = int.from_bytes(data[entry : entry + 2], order)
        if tag == 0xCD41:
            return EMBEDDED
        if tag == 0x02BC:
            size, offset = _u32(data, entry + 4, order), _u32(data, entry + 8, order)
            remote = _has(data, PROVENANCE, offset, offset + size)
    return REMOTE if remote else None


def _search(data: Buffer, needles: tuple[bytes, ...], remote_too: bool = True) -> str | None:
    """Plain bounded search: the first 64 MiB, and the last 16 MiB of a larger file."""
    spans = [(0, SCAN_LIMIT)] + ([(len(data) - (16 << 20), len(data))] if len(data) > SCAN_LIMIT else [])
    for start, stop in spans:
        if any(_has(data, needle, start, stop) for needle in needles):
            return EMBEDDED
    if remote_too and any(_has(data, PROVENANCE, start, stop) for start, stop in spans):
        return REMOTE
    return None


def marker(kind: str, data: Buffer) -> str | None:
    """ "embedded" when a manifest store is embedded, "remote" when only XMP points at one, else None."""
    if kind == "jpeg":
        return _jpeg(data)
    if kind == "png":
        return _png(data)
    if kind in ("mp4", "mov", "m4a", "heif", "avif"):
        return _bmff(data)
    if kind in ("webp", "wav", "avi"):
        return _riff(data)
    if kind == "tiff":
        return _tiff(data)
    if kind == "gif":
        return _search(data, (b"C2PA_GIF",))
    if kind in ("mp3", "flac"):
        return _search(data, (b"application/c2pa", b"application/x-c2pa-manifest-store"))
    if kind == "pdf":
        return _search(data, (b"application/x-c2pa-manifest-store", b"application#2Fx-c2pa-manifest-store"))
    if kind in ("ooxml", "zip"):
        return _search(data, (b"META-INF/content_credential.c2pa",), remote_too=False)
    return None


# --- the manifest --------------------------------------------------------------------------------


def _actions(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for assertion in manifest.get("assertions") or []:
        if not isinstance(assertion, dict) or not str(assertion.get("label", "")).startswith("c2pa.actions"):
            continue
        data = assertion.get("data")
        actions = data.get("actions") if isinstance(data, dict) else None
        found.extend(a for a in actions or [] if isinstance(a, dict))
    return found


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def summarise(store: dict[str, Any]) -> dict[str, Any]:
    """The report for a manifest store as c2pa-python's Reader.json() gives it."""
    manifests = _dict(store.get("manifests"))
    active_label = store.get("active_manifest")
    active = _dict(manifests.get(active_label)) if isinstance(active_label, str) else {}
    ordered = [active] + [_dict(m) for k, m in manifests.items() if k != active_label]
    source_types: list[str] = []
    for manifest in ordered:
        for action in _actions(manifest):
            source = action.get("digitalSourceType") or _dict(action.get("parameters")).get("digitalSourceType")
            if isinstance(source, str) and source not in source_types:
                source_types.append(source)
    signature = _dict(active.get("signature_info"))
    errors = [
        {"code": s.get("code"), "explanation": s.get("explanation")}
        for s in store.get("validation_status") or []
        if isinstance(s, dict)
    ]
    return {
        "present": True,
        "checked": True,
        "remote": False,
        "validation_state": store.get("validation_state"),
        "validation_errors": errors,
        "signer": signature.get("common_name") or signature.get("issuer"),
        "issuer": signature.get("issuer"),
        "ai_generated": any(s.rsplit("/", 1)[-1] in AI_SOURCE_TYPES for s in source_types),
        "digital_source_types": source_types,
        "manifests": len(manifests),
    }


def _remote(url: str | None) -> dict[str, Any]:
    return {
        "present": True,
        "remote": True,
        "checked": False,
        "url": url,
        "reason": "the manifest is kept at a URL and is not fetched (offline)",
    }


def _read(c2pa: Any, path: Path, kind: str, found: str) -> dict[str, Any] | None:
    settings = c2pa.Settings.from_dict(OFFLINE_SETTINGS)
    try:
        context = c2pa.Context(settings=settings)
        try:
            with path.open("rb") as handle:
                try:
                    reader = c2pa.Reader(MIME.get(kind), handle, None, context)
                except c2pa.C2paError.ManifestNotFound as exc:
                    if found == REMOTE:  # an XMP provenance that is not a C2PA manifest reference
                        return None
                    return {
                        "present": True,
                        "checked": False,
                        "reason": f"a C2PA marker is present but no manifest store could be read: {exc}"[:500],
                    }
                except c2pa.C2paError as exc:
                    message = str(exc)
                    if isinstance(exc, c2pa.C2paError.RemoteManifest) or message.startswith("Remote"):
                        url = re.search(r"https?://[^\s\"']+", message)
                        return _remote(url[0].rstrip(".,") if url else None)
                    raise
                with reader:
                    if not reader.is_embedded():
                        return _remote(reader.get_remote_url())
                    store = json.loads(reader.json())
        finally:
            context.close()
    finally:
        settings.close()
    return summarise(store) if isinstance(store, dict) else None


def inspect(path: Path, kind: str, data: Buffer) -> dict[str, Any] | None:
    """The C2PA report for a file, or None when it carries no manifest marker. Never raises."""
    try:
        found = marker(kind, data)
    except (IndexError, ValueError, OverflowError):
        found = None
    if found is None:
        return None
    try:
        import c2pa  # type: ignore[import-untyped]
    except ImportError:
        return {"present": True, "checked": False, "reason": "c2pa-python not installed"}
    try:
        return _read(c2pa, path, kind, found)
    except Exception as exc:  # the native library can fail in many ways on hostile input
        return {
            "present": True,
            "checked": False,
            "remote": found == REMOTE,
            "reason": f"{type(exc).__name__}: {exc}"[:500],
        }
