"""Reading and replacing a record's references of other systems, for the services that own the records (contacts,
dossiers). The callers check access and write the audit events; these functions only query and flush."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.references.models import ExternalReference

_REFS = (
    select(ExternalReference.record_id, ExternalReference.ref)
    .where(
        ExternalReference.record_type == bindparam("record_type"),
        ExternalReference.record_id.in_(bindparam("ids", expanding=True)),
    )
    .order_by(ExternalReference.record_id, ExternalReference.id)
)
"""Built once: every dossier and contact read runs it."""


async def refs_of(session: AsyncSession, record_type: str, record_ids: Iterable[int]) -> dict[int, list[str]]:
    """Per record id, its references in the order they were given (one query; records without any are absent)."""
    ids = list(dict.fromkeys(record_ids))
    if not ids:
        return {}
    rows = await session.execute(_REFS, {"record_type": record_type, "ids": ids})
    result: dict[int, list[str]] = {}
    for record_id, ref in rows:
        result.setdefault(record_id, []).append(ref)
    return result


async def add_refs(session: AsyncSession, record_type: str, record_id: int, refs: Iterable[str]) -> None:
    """Store ``refs`` (already cleaned) on the record."""
    session.add_all(ExternalReference(record_type=record_type, record_id=record_id, ref=ref) for ref in refs)
    await session.flush()


async def replace_refs(session: AsyncSession, record_type: str, record_id: int, refs: list[str]) -> bool:
    """Make ``refs`` (already cleaned) the record's references; ``False`` when they were so already."""
    current = (await refs_of(session, record_type, [record_id])).get(record_id, [])
    if current == refs:
        return False
    await session.execute(
        delete(ExternalReference).where(
            ExternalReference.record_type == record_type, ExternalReference.record_id == record_id
        )
    )
    await session.flush()
    await add_refs(session, record_type, record_id, refs)
    return True
