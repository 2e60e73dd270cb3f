"""Request and response bodies of the flag API (``/api/v1/articles/{id}/flags``); the limits are the rules'."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from pydantic import BaseModel, Field

from casemgmt.knowledge.models import KnowledgeFlag
from casemgmt.knowledge.rules import FLAG_LABELS, MAX_FLAG_NOTE, FlagKind
from casemgmt.web.limits import limited, required_text
from casemgmt.web.structs import copied

KIND_CHOICES: list[Any] = [*(kind.value for kind in FlagKind), *FLAG_LABELS.values()]


class FlagIn(BaseModel):
    """``kind``: ``wrong`` (klopt niet), ``unclear`` (onduidelijk) or ``missing`` (ontbreekt), the code or the
    Dutch label; ``note`` (what is wrong, unclear or missing) is required for ``wrong`` and ``unclear``."""

    kind: str = Field(..., json_schema_extra={"enum": KIND_CHOICES})
    note: str = limited(MAX_FLAG_NOTE, "")


class FlagResolution(BaseModel):
    """How the owner handled the flag (required)."""

    resolution: str = required_text(MAX_FLAG_NOTE)


class FlagOut(msgspec.Struct):
    """A flag on the ``version`` of an article that was current when it was raised; ``resolved_at`` null while it
    is open."""

    id: int
    article_id: int
    version: int
    kind: str
    note: str
    flagged_by_id: int
    flagged_at: datetime
    resolved_by_id: int | None
    resolved_at: datetime | None
    resolution: str

    @classmethod
    def of(cls, flag: KnowledgeFlag) -> FlagOut:
        return copied(cls, flag)
