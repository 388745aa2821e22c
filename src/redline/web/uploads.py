"""Reading an upload only after the caller is authorised, and never past a size limit."""

from __future__ import annotations

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.types import Message

from redline.errors import InputError, PackageTooLargeError

FORM_OVERHEAD = 64 * 1024  # multipart boundaries and the small fields beside the file


def _too_large(limit: int) -> PackageTooLargeError:
    return PackageTooLargeError(f"the upload is larger than {limit} bytes; nothing was stored", field="file")


async def limited_form(request: Request, limit: int) -> FormData:
    """The multipart form of `request`, refused (413) as soon as the body passes `limit` bytes and
    more: by its Content-Length before a byte is read, else while it arrives."""
    cap = limit + FORM_OVERHEAD
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise _too_large(limit)
    received = 0

    async def receive() -> Message:
        nonlocal received
        message = await request.receive()
        received += len(message.get("body", b""))
        if received > cap:
            raise _too_large(limit)
        return message

    return await Request(request.scope, receive).form(max_files=1, max_fields=8)


def one_file(form: FormData, name: str = "file") -> UploadFile:
    upload = form.get(name)
    if not isinstance(upload, UploadFile):
        raise InputError("choose a package file", field=name)
    return upload
