"""Response bodies of the notification API, and the OpenAPI description of the settings body."""

from __future__ import annotations

from datetime import datetime

import msgspec
from litestar.openapi.spec import OpenAPIType, Schema

from casemgmt.notifications.models import Notification
from casemgmt.notifications.rules import ALWAYS_ON, KIND_LABELS, Delivery, Kind
from casemgmt.web.openapi import closed_object


class NotificationOut(msgspec.Struct):
    """One notification of the token's user; ``text`` holds no personal data of citizens."""

    id: int
    kind: str
    created_at: datetime
    read_at: datetime | None
    object_type: str
    object_id: int
    text: str

    @classmethod
    def of(cls, n: Notification) -> NotificationOut:
        return cls(
            id=n.id,
            kind=n.kind,
            created_at=n.created_at,
            read_at=n.read_at,
            object_type=n.object_type,
            object_id=n.object_id,
            text=n.text,
        )


class NotificationSettingsOut(msgspec.Struct):
    """Every kind of notification with the delivery that holds for the user: ``app``, ``email``, ``digest`` or
    ``off`` (their own choice, else the kind's default)."""

    settings: dict[str, str]


def _delivery_schema(kind: Kind) -> Schema:
    allowed = [d.value for d in Delivery if not (d is Delivery.OFF and kind in ALWAYS_ON)]
    return Schema(type=OpenAPIType.STRING, enum=allowed, description=KIND_LABELS[kind])


SETTINGS_BODY = closed_object(
    {
        "settings": Schema(
            type=OpenAPIType.OBJECT,
            properties={kind.value: _delivery_schema(kind) for kind in Kind},
            additional_properties=False,
            description="kind → delivery; kinds not named keep their setting. The overdue kinds cannot be 'off'.",
        )
    },
    required=["settings"],
)
