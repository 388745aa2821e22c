"""What every typed document redline writes shares: the strict base model, the seal and the error naming a
bad field. Here, below both reports/ and probes/, because reports/ already imports probes/ (charts)."""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from redline.errors import InputError

Digest = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256, 64 lowercase hex digits")]


class DocumentModel(BaseModel):
    """Exactly the members redline writes: an unknown member is an error, not something carried along."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, validate_by_name=True, validate_by_alias=True, serialize_by_alias=True
    )


class SealV1(DocumentModel):
    """Documents before issue 18: the digest covers Python's sorted compact JSON (reports/canonical.py)."""

    algorithm: Literal["sha256"]
    digest: Digest
    covers: str


class Seal(DocumentModel):
    """SHA-256 over the RFC 8785 canonical JSON of the document without its `seal` member."""

    algorithm: Literal["sha256"]
    version: Literal[2]
    canonicalization: Literal["RFC 8785"]
    digest: Digest
    covers: str


Model = TypeVar("Model", bound=BaseModel)


def validated(model: type[Model], document: Any, name: str, source: str, what: str) -> Model:
    """`document` as `model`, or InputError naming the first bad field as `name.path.to.field` and saying
    in words what the document should have been (`what`)."""
    try:
        return model.model_validate(document)
    except ValidationError as exc:
        first = exc.errors()[0]
        path = ".".join([name, *(str(part) for part in first["loc"])])
        raise InputError(f"not a valid {what}: {first['msg']}", source=source, field=path) from None
