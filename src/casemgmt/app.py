"""The application factory: builds the Litestar app from settings. Cheap enough to run on every CLI call."""

from __future__ import annotations

import gc
from functools import partial
from typing import Any

from advanced_alchemy.extensions.litestar import SQLAlchemyInitPlugin, SQLAlchemySerializationPlugin
from advanced_alchemy.extensions.litestar.store import SQLAlchemyStore
from litestar import Litestar, Request, Router
from litestar.config.csrf import CSRFConfig
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.plugins.flash import FlashConfig, FlashPlugin
from litestar.plugins.htmx import HTMXPlugin, HTMXRequest
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig
from sqlalchemy.ext.asyncio import AsyncEngine

from casemgmt.audit import controllers as audit_controllers
from casemgmt.audit.dependencies import provide_audit
from casemgmt.auth.controllers import me
from casemgmt.auth.dependencies import provide_actor
from casemgmt.auth.middleware import TokenAuthMiddleware, create_session_auth, passwords_for
from casemgmt.auth.models import SessionStoreEntry
from casemgmt.auth.services import MAX_EMAIL_LENGTH, MAX_PASSWORD_LENGTH
from casemgmt.casefile import client_actions, worklist_controllers
from casemgmt.casefile import client_controllers as casefile_client_controllers
from casemgmt.casefile import dossier_controllers as casefile_dossier_controllers
from casemgmt.casefile.dependencies import (
    provide_clients,
    provide_dossiers,
    provide_finder,
    provide_object_references,
)
from casemgmt.cli import CasemgmtCLIPlugin
from casemgmt.clients import controllers as client_controllers
from casemgmt.clients import rules as clients_rules
from casemgmt.commitments import controllers as commitment_controllers
from casemgmt.commitments import rules as commitments_rules
from casemgmt.commitments.dependencies import provide_commitments, provide_contacts
from casemgmt.commitments.rules import KIND_LABELS as COMMITMENT_KIND_LABELS
from casemgmt.contacts import controllers as contact_controllers
from casemgmt.contacts import rules as contacts_rules
from casemgmt.dashboard import controllers as dashboard_controllers
from casemgmt.db import create_alchemy_config, create_engine
from casemgmt.dossiers import controllers as dossier_controllers
from casemgmt.dossiers import rules as dossiers_rules
from casemgmt.escalations import controllers as escalation_controllers
from casemgmt.escalations import rules as escalations_rules
from casemgmt.escalations.dependencies import provide_escalation_draft, provide_escalations
from casemgmt.exchange import controllers as exchange_controllers
from casemgmt.handoffs import controllers as handoff_controllers
from casemgmt.handoffs import rules as handoffs_rules
from casemgmt.handoffs.dependencies import provide_handoffs
from casemgmt.knowledge import controllers as knowledge_controllers
from casemgmt.knowledge import flag_controllers, picker
from casemgmt.knowledge import rules as knowledge_rules
from casemgmt.knowledge.dependencies import provide_knowledge
from casemgmt.knowledge.flag_dependencies import provide_flags
from casemgmt.mail import controllers as mail_controllers
from casemgmt.metrics import controllers as metrics_controllers
from casemgmt.metrics.cache import FiguresCache
from casemgmt.notifications import controllers as notification_controllers
from casemgmt.notifications.bell import load_unread, unread_of
from casemgmt.notifications.dependencies import provide_notifications
from casemgmt.organisation import (
    account,
    beheer,
    coordinators_admin,
    departments,
    reachability,
    service_admin,
    topics,
    user_admin,
    users,
)
from casemgmt.pilots import admin as pilot_admin
from casemgmt.pilots import controllers as pilot_controllers
from casemgmt.pilots import rules as pilots_rules
from casemgmt.pilots.dependencies import provide_pilot_facts, provide_pilots, provide_time_entries
from casemgmt.settings import Mode, Settings, SettingsError
from casemgmt.signin.controllers import LoginController, build_signin
from casemgmt.surveys import controllers as survey_controllers
from casemgmt.surveys.csv_format import COMMENT_MAX_LENGTH, RESPONDENT_ID_MAX_LENGTH
from casemgmt.surveys.dependencies import provide_surveys
from casemgmt.web.allow import allow_what_the_route_allows
from casemgmt.web.data_version import STORE as DATA_VERSION_STORE
from casemgmt.web.data_version import data_version_store
from casemgmt.web.errors import EXCEPTION_HANDLERS
from casemgmt.web.home import health, home, overview
from casemgmt.web.idempotency import IdempotentWrites
from casemgmt.web.input_guard import refuse_unstorable_input
from casemgmt.web.limits import MAX_BODY_BYTES
from casemgmt.web.openapi import declare_bearer_security, document_api_errors
from casemgmt.web.security import add_security_headers, content_security_policy
from casemgmt.web.templating import configure_templates
from casemgmt.web.transactions import transaction_middleware

API_PREFIX = "/api/v1"

ASSET_DIRECTORIES = {
    "htmx": ("htmx.org", "dist"),
    "utrecht": ("@utrecht/component-library-css", "dist"),
    "denhaag": ("@gemeente-denhaag/design-tokens-components", "dist"),
}


class DatabasePlugin(SQLAlchemyInitPlugin):
    """advanced-alchemy's session handling, without its ``database`` CLI group (casemgmt has its own)."""

    def on_cli_init(self, cli: Any) -> None:
        return None


def _static_routers(settings: Settings) -> list[Router]:
    from pathlib import Path

    routers = [
        create_static_files_router(
            path="/static/app",
            directories=[Path(__file__).parent / "web" / "static"],
            include_in_schema=False,
            opt={"public": True},
            name="static.app",
        )
    ]
    for name, (package, sub) in ASSET_DIRECTORIES.items():
        routers.append(
            create_static_files_router(
                path=f"/static/{name}",
                directories=[settings.assets_dir / package / sub],
                include_in_schema=False,
                opt={"public": True},
                name=f"static.{name}",
            )
        )
    return routers


def api_route_handlers() -> list[Any]:
    """The ``/api/v1`` handlers, each documented with the error responses it can answer (``web/openapi.py``)."""
    return document_api_errors(
        [
            me,
            *users.API_HANDLERS,
            *user_admin.API_HANDLERS,
            *account.API_HANDLERS,
            *client_controllers.API_HANDLERS,
            *casefile_client_controllers.API_HANDLERS,
            *dossier_controllers.API_HANDLERS,
            *casefile_dossier_controllers.API_HANDLERS,
            *contact_controllers.API_HANDLERS,
            *audit_controllers.API_HANDLERS,
            *mail_controllers.API_HANDLERS,
            *reachability.API_HANDLERS,
            *departments.API_HANDLERS,
            *service_admin.API_HANDLERS,
            *coordinators_admin.API_HANDLERS,
            *commitment_controllers.API_HANDLERS,
            *handoff_controllers.API_HANDLERS,
            *escalation_controllers.API_HANDLERS,
            *knowledge_controllers.API_HANDLERS,
            *worklist_controllers.API_HANDLERS,
            *pilot_controllers.API_HANDLERS,
            *pilot_admin.API_HANDLERS,
            *survey_controllers.API_HANDLERS,
            *metrics_controllers.API_HANDLERS,
            *dashboard_controllers.API_HANDLERS,
            *exchange_controllers.API_HANDLERS,
            *notification_controllers.API_HANDLERS,
            *flag_controllers.API_HANDLERS,
        ]
    )


def page_route_handlers() -> list[Any]:
    return [
        LoginController,
        home,
        overview,
        health,
        *users.PAGE_HANDLERS,
        *beheer.PAGE_HANDLERS,
        *user_admin.PAGE_HANDLERS,
        *account.PAGE_HANDLERS,
        *client_controllers.PAGE_HANDLERS,
        *casefile_client_controllers.PAGE_HANDLERS,
        *client_actions.PAGE_HANDLERS,
        *dossier_controllers.PAGE_HANDLERS,
        *casefile_dossier_controllers.PAGE_HANDLERS,
        *contact_controllers.PAGE_HANDLERS,
        *audit_controllers.PAGE_HANDLERS,
        *reachability.PAGE_HANDLERS,
        *topics.PAGE_HANDLERS,
        *departments.PAGE_HANDLERS,
        *service_admin.PAGE_HANDLERS,
        *coordinators_admin.PAGE_HANDLERS,
        *pilot_admin.PAGE_HANDLERS,
        *mail_controllers.PAGE_HANDLERS,
        *commitment_controllers.PAGE_HANDLERS,
        *handoff_controllers.PAGE_HANDLERS,
        *escalation_controllers.PAGE_HANDLERS,
        *knowledge_controllers.PAGE_HANDLERS,
        *worklist_controllers.PAGE_HANDLERS,
        *pilot_controllers.PAGE_HANDLERS,
        *survey_controllers.PAGE_HANDLERS,
        *dashboard_controllers.PAGE_HANDLERS,
        *notification_controllers.PAGE_HANDLERS,
        *metrics_controllers.PAGE_HANDLERS,
        *flag_controllers.PAGE_HANDLERS,
        *picker.PAGE_HANDLERS,
    ]


def _freeze_start_up_objects() -> None:
    """Move what start-up loaded (modules, mappers, routes) out of the garbage collector's reach: every collection
    then scans only the objects requests create (not in test mode, where many apps come and go)."""
    gc.freeze()


TEXT_LIMITS = {
    "login": {"email": MAX_EMAIL_LENGTH, "password": MAX_PASSWORD_LENGTH},
    "clients": clients_rules.LIMITS,
    "contacts": contacts_rules.LIMITS,
    "commitments": commitments_rules.LIMITS,
    "dossiers": dossiers_rules.LIMITS,
    "handoffs": handoffs_rules.LIMITS,
    "escalations": escalations_rules.LIMITS,
    "knowledge": knowledge_rules.LIMITS,
    "pilots": pilots_rules.LIMITS,
    "surveys": {"respondent_id": RESPONDENT_ID_MAX_LENGTH, "comment": COMMENT_MAX_LENGTH},
}
"""Each concept's text limits (its rules' constants), for the forms' ``maxlength``: ``limits.contacts.summary``."""


async def before_request(request: Request[Any, Any, Any]) -> None:
    """Every request: input no database can store refused first; then, for a page, the bell's unread count."""
    await refuse_unstorable_input(request)
    await load_unread(request)


def create_app(settings: Settings | None = None, engine: AsyncEngine | None = None) -> Litestar:
    settings = settings or Settings()
    secret = settings.require_secret_key()
    try:
        oidc, group_map = build_signin(settings)
    except ValueError as error:
        raise SettingsError(str(error)) from None
    engine = engine or create_engine(settings)
    alchemy = create_alchemy_config(engine)
    session_auth = create_session_auth(settings)

    template_config = TemplateConfig(
        directory=settings.templates_dir,
        engine=JinjaTemplateEngine,
        engine_callback=partial(
            configure_templates,
            domain_globals={
                "commitment_kinds": COMMITMENT_KIND_LABELS,
                "limits": TEXT_LIMITS,
                "unread_of": unread_of,
            },
        ),
    )
    api = Router(
        path="",
        route_handlers=api_route_handlers(),
        # after the token check: a repeated POST with the same Idempotency-Key gets the first answer
        middleware=[DefineMiddleware(TokenAuthMiddleware), IdempotentWrites],
    )
    app = Litestar(
        route_handlers=[*page_route_handlers(), api, *_static_routers(settings)],
        plugins=[
            DatabasePlugin(config=alchemy),
            SQLAlchemySerializationPlugin(),
            HTMXPlugin(),
            FlashPlugin(config=FlashConfig(template_config=template_config)),
            CasemgmtCLIPlugin(),
        ],
        request_class=HTMXRequest,
        on_app_init=[session_auth.on_app_init, declare_bearer_security],
        # the session auth goes first (on_app_init); a form submitted twice with its key gets the first answer
        middleware=[transaction_middleware, IdempotentWrites],
        before_request=before_request,
        request_max_body_size=MAX_BODY_BYTES,
        before_send=[add_security_headers, allow_what_the_route_allows],
        stores={
            "sessions": SQLAlchemyStore(alchemy, model=SessionStoreEntry, namespace="sessions"),
            DATA_VERSION_STORE: data_version_store(alchemy),
        },
        csrf_config=CSRFConfig(
            secret=secret,
            cookie_name="casemgmt_csrf",
            cookie_secure=settings.secure_cookies,
            cookie_httponly=True,
            cookie_samesite="lax",
            header_name="x-csrftoken",
            # The JSON API authenticates with bearer tokens only (no cookies), so CSRF cannot apply there.
            exclude=["^/api/"],
        ),
        template_config=template_config,
        exception_handlers=EXCEPTION_HANDLERS,
        dependencies={
            "actor": Provide(provide_actor),
            "audit": Provide(provide_audit),
            # the services, one per concept; handlers declare e.g. ``clients: Clients`` (see each dependencies.py)
            "clients": Provide(provide_clients),
            "finder": Provide(provide_finder),
            "object_references": Provide(provide_object_references),
            "dossiers": Provide(provide_dossiers),
            "contacts": Provide(provide_contacts),
            "commitments": Provide(provide_commitments),
            "handoffs": Provide(provide_handoffs),
            "escalations": Provide(provide_escalations),
            "knowledge": Provide(provide_knowledge),
            "escalation_draft": Provide(provide_escalation_draft),
            "pilot_facts": Provide(provide_pilot_facts, sync_to_thread=False),
            "pilots": Provide(provide_pilots),
            "time_entries": Provide(provide_time_entries),
            "surveys": Provide(provide_surveys),
            "notifications": Provide(provide_notifications),
            "flags": Provide(provide_flags),
        },
        openapi_config=OpenAPIConfig(
            title="casemgmt API",
            version="1",
            description="Case management for complex multi-service questions. Authenticate with "
            "`Authorization: Bearer <token>` (casemgmt tokens create).",
            path="/schema",
            render_plugins=[JsonRenderPlugin(path=["/", "/openapi.json"])],
        ),
        debug=False,
        on_startup=[] if settings.mode is Mode.TEST else [_freeze_start_up_objects],
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.alchemy = alchemy
    app.state.passwords = passwords_for(settings)
    app.state.oidc = oidc
    app.state.group_map = group_map
    if oidc is not None:  # logging out leads the browser on to the provider
        app.state.content_security_policy = content_security_policy((oidc.origin,))
    app.state.figures_cache = FiguresCache()
    return app
