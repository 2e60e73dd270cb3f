"""Meldingen: the bell's fragment (``/meldingen/teller``), the list (``/meldingen``, unread first, mark one or all
read), the settings (``/meldingen/instellingen``) and ``/api/v1/notifications``, ``/api/v1/me/notification-settings``.

Every logged-in user has their own notifications and nobody else's: another's notification answers 404, as one that
does not exist."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post, put
from litestar.params import Body, FromPath, FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from casemgmt.errors import FieldError, InvalidInput
from casemgmt.notifications import rules
from casemgmt.notifications.dependencies import Notifications
from casemgmt.notifications.schemas import SETTINGS_BODY, NotificationOut, NotificationSettingsOut
from casemgmt.web.forms import FormData
from casemgmt.web.pages import page_or_fragment

TAGS = ["meldingen"]
BODY_KEYS = frozenset({"settings"})


def _logged_in(path: str, name: str) -> post:
    """``POST`` of a Meldingen form: any logged-in user, on their own notifications."""
    return post(path, name=name, include_in_schema=False)


# -- API --------------------------------------------------------------------------------------------------------


@get("/api/v1/notifications", tags=TAGS, summary="The token user's notifications, unread first")
async def api_list(notifications: Notifications, unread: FromQuery[bool] = False) -> list[NotificationOut]:
    return [NotificationOut.of(n) for n in await notifications.list(unread_only=unread)]


@post(
    "/api/v1/notifications/{notification_id:int}/read",
    tags=TAGS,
    status_code=200,
    summary="Mark one of the token user's notifications read (another's: 404)",
)
async def api_read(notification_id: FromPath[int], notifications: Notifications) -> NotificationOut:
    return NotificationOut.of(await notifications.mark_read(notification_id))


@get("/api/v1/me/notification-settings", tags=TAGS, summary="The token user's delivery per kind of notification")
async def api_settings(notifications: Notifications) -> NotificationSettingsOut:
    return NotificationSettingsOut(settings=await notifications.settings())


@put(
    "/api/v1/me/notification-settings",
    tags=TAGS,
    summary="Choose the delivery per kind of notification (kinds not named keep theirs)",
)
async def api_save_settings(
    notifications: Notifications,
    data: Annotated[
        dict[str, Any],
        Body(
            description='{"settings": {"<kind>": "app" | "email" | "digest" | "off"}}; an unknown kind or delivery '
            "answers 422 naming settings.<kind>, and nothing is written.",
            schema_extra=SETTINGS_BODY,
        ),
    ],
) -> NotificationSettingsOut:
    errors = [FieldError(key, "Dit veld bestaat hier niet") for key in sorted(set(data) - BODY_KEYS)]
    entered = data.get("settings")
    if not isinstance(entered, dict):
        errors.append(FieldError("settings", "Geef per soort melding de bezorging op"))
    if errors:
        raise InvalidInput(errors)
    assert isinstance(entered, dict)
    return NotificationSettingsOut(settings=await notifications.save_settings(entered))


# -- pages ------------------------------------------------------------------------------------------------------


@get("/meldingen/teller", name="notifications.bell", include_in_schema=False, cache_control=None)
async def bell(notifications: Notifications) -> Template:
    """The bell in the header, for htmx to refresh every 60 s."""
    return Template("notifications/_bell.html", context={"unread": await notifications.unread()})


@get("/meldingen", name="notifications", include_in_schema=False)
async def notifications_page(request: Request[Any, Any, Any], notifications: Notifications) -> Template:
    items = await notifications.list()
    context = {
        "items": items,
        "unread": rules.Unread(sum(1 for n in items if n.read_at is None)),
        "labels": {kind.value: label for kind, label in rules.KIND_LABELS.items()},
        "link_of": rules.link_of,
    }
    return page_or_fragment(request, "notifications/list.html", "notifications/_list.html", context)


@_logged_in("/meldingen/{notification_id:int}/gelezen", "notifications.read")
async def mark_read(notification_id: FromPath[int], notifications: Notifications) -> Redirect:
    await notifications.mark_read(notification_id)
    return Redirect("/meldingen", status_code=303)


@_logged_in("/meldingen/alles-gelezen", "notifications.read_all")
async def mark_all_read(request: Request[Any, Any, Any], notifications: Notifications) -> Redirect:
    count = await notifications.mark_all_read()
    flash(request, f"{count} melding(en) als gelezen gemarkeerd.", category="success")
    return Redirect("/meldingen", status_code=303)


def _settings_context(current: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    return {
        "kinds": [
            {
                "kind": kind.value,
                "label": rules.KIND_LABELS[kind],
                "delivery": current.get(kind.value, rules.DEFAULT_DELIVERY[kind].value),
                "default": rules.DEFAULT_DELIVERY[kind].value,
                "choices": [
                    (d.value, rules.DELIVERY_LABELS[d])
                    for d in rules.Delivery
                    if not (d is rules.Delivery.OFF and kind in rules.ALWAYS_ON)
                ],
            }
            for kind in rules.Kind
        ],
        "errors": errors,
    }


@get("/meldingen/instellingen", name="notifications.settings", include_in_schema=False)
async def settings_page(notifications: Notifications) -> Template:
    return Template("notifications/settings.html", context=_settings_context(await notifications.settings(), {}))


@_logged_in("/meldingen/instellingen", "notifications.settings.save")
async def save_settings(
    request: Request[Any, Any, Any], notifications: Notifications, data: FormData
) -> Template | Redirect:
    entered = {key: value for key, value in data.items() if not key.startswith("_") and key != "csrf_token"}
    try:
        await notifications.save_settings(entered, prefix="")
    except InvalidInput as exc:
        errors = {error.field.lstrip("."): error.message for error in exc.errors}
        current = await notifications.settings()
        current.update({k: v for k, v in entered.items() if isinstance(v, str)})
        return Template("notifications/settings.html", context=_settings_context(current, errors), status_code=422)
    flash(request, "Uw instellingen voor meldingen zijn opgeslagen.", category="success")
    return Redirect("/meldingen/instellingen", status_code=303)


PAGE_HANDLERS: list[Any] = [bell, notifications_page, mark_read, mark_all_read, settings_page, save_settings]
API_HANDLERS: list[Any] = [api_list, api_read, api_settings, api_save_settings]
