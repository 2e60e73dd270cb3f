"""Flags on knowledge articles (meldingen): an employee who used an article says it is wrong, unclear or misses
something; the article's owner (or an accountmanager of its service, or an admin) handles the flag with a note.

A flag is recorded on the version the agent read (the article's current version), so the owner sees which text it
was about even after later edits. Raising a flag notifies the owner in the same transaction (``article_flagged``;
without an owner: the service's accountmanagers). Articles and flags hold no personal data of citizens (the
article is written in general terms), so the texts of a flag are not about a client; raising and handling a flag
are still audit events (object type ``knowledge_flag``), as every change is. A withdrawn article takes no new
flags (409); a handled flag cannot be handled again (409). Everything is checked before anything is written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from casemgmt.audit.services import Action, AuditedService
from casemgmt.auth.models import User
from casemgmt.auth.roles import EMPLOYEE_ROLES, Role
from casemgmt.directory.models import Service
from casemgmt.errors import Conflict, Forbidden, NotFound
from casemgmt.knowledge import flag_rules
from casemgmt.knowledge.models import KnowledgeArticle, KnowledgeFlag
from casemgmt.knowledge.rules import ArticleStatus
from casemgmt.notifications import services as notifications
from casemgmt.notifications.rules import Kind as NotificationKind

ARTICLE_NOT_FOUND = "Kennisartikel niet gevonden"
FLAG_NOT_FOUND = "Melding niet gevonden bij dit kennisartikel"
NOT_AN_EMPLOYEE = "Alleen medewerkers die klanten helpen melden iets over een kennisartikel."
WITHDRAWN = "Dit kennisartikel is ingetrokken; een melding is niet meer nodig."
NOT_THE_OWNER = "Alleen de eigenaar van het artikel of een accountmanager van {service} handelt meldingen af."
ALREADY_RESOLVED = "Deze melding is al afgehandeld."

# Aliases built once: a fresh aliased() makes SQLAlchemy set up the entity again on every statement (ms each).
_FLAGGER, _RESOLVER = aliased(User), aliased(User)


@dataclass(frozen=True)
class FlagView:
    """A flag as the owner reads it: who raised it (name), on which version, and its handling."""

    flag: KnowledgeFlag
    flagged_by_name: str
    resolved_by_name: str | None

    @property
    def label(self) -> str:
        return flag_rules.label_of(self.flag.kind)


class FlagService(AuditedService):
    async def _article(self, article_id: int, *, for_update: bool = False) -> KnowledgeArticle:
        return await self._existing(KnowledgeArticle, article_id, ARTICLE_NOT_FOUND, for_update=for_update)

    async def _service_code(self, article: KnowledgeArticle) -> str:
        return await self.session.scalar(select(Service.code).where(Service.id == article.service_id)) or ""

    def may_flag(self) -> bool:
        return bool(self.actor.roles & EMPLOYEE_ROLES)

    def may_resolve(self, article: KnowledgeArticle, service_code: str) -> bool:
        """The owner, an accountmanager of the article's service, or an admin."""
        return (
            Role.ADMIN in self.actor.roles
            or article.owner_id == self.actor.id
            or (Role.ACCOUNTMANAGER in self.actor.roles and service_code in self.actor.service_codes)
        )

    async def raise_flag(
        self, article_id: int, *, kind: str | None, note: str | None, now: datetime | None = None
    ) -> KnowledgeFlag:
        """Flag the article's current version; 404 for an unknown article, 422 for a bad kind or note, 409 for a
        withdrawn article; the owner is notified."""
        if not self.may_flag():
            raise Forbidden(NOT_AN_EMPLOYEE)
        now = now or datetime.now(UTC)
        article = await self._article(article_id)
        if article.status == ArticleStatus.DRAFT.value and not self.may_resolve(
            article, await self._service_code(article)
        ):
            raise NotFound(ARTICLE_NOT_FOUND)  # a concept is seen only by who writes it
        entered = flag_rules.check_flag(kind, note)
        if article.status == ArticleStatus.WITHDRAWN.value:
            raise Conflict(WITHDRAWN)
        flag = KnowledgeFlag(
            article_id=article.id,
            version=article.version,
            kind=entered.kind.value,
            note=entered.note,
            flagged_by_id=self.actor.id,
            flagged_at=now,
        )
        self.session.add(flag)
        await self.session.flush()
        self.audit.record(
            Action.CREATE,
            "knowledge_flag",
            flag.id,
            detail=f"kennisartikel {article.id} versie {article.version}: {flag_rules.label_of(flag.kind)}",
        )
        await notifications.notify(
            self.session,
            NotificationKind.ARTICLE_FLAGGED,
            notifications.About("article", article.id),
            users=[article.owner_id],
            services=[] if article.owner_id is not None else [article.service_id],
            service_roles=[Role.ACCOUNTMANAGER.value],
            actor_id=self.actor.id,
            now=now,
        )
        return flag

    async def resolve(
        self, article_id: int, flag_id: int, *, resolution: str | None, now: datetime | None = None
    ) -> KnowledgeFlag:
        """Handle an open flag with a note: 404 for an unknown article or a flag of another article, 403 for who is
        not the owner (nor an accountmanager of its service, nor an admin), 422 without a note, 409 when it was
        handled already."""
        now = now or datetime.now(UTC)
        article = await self._article(article_id)
        flag = await self.session.get(KnowledgeFlag, flag_id, with_for_update=True)
        if flag is None or flag.article_id != article.id:
            raise NotFound(FLAG_NOT_FOUND)
        code = await self._service_code(article)
        if not self.may_resolve(article, code):
            raise Forbidden(NOT_THE_OWNER.format(service=code))
        text = flag_rules.check_resolution(resolution)
        if flag.resolved_at is not None:
            raise Conflict(ALREADY_RESOLVED)
        flag.resolution, flag.resolved_by_id, flag.resolved_at = text, self.actor.id, now
        await self.session.flush()
        self.audit.record(Action.UPDATE, "knowledge_flag", flag.id, detail=f"kennisartikel {article.id}: afgehandeld")
        return flag

    async def flags_of(self, article_id: int, *, open_only: bool = True) -> list[FlagView]:
        """The article's flags (open ones only, by default), oldest first, with who raised and handled them."""
        flagger, resolver = _FLAGGER, _RESOLVER
        query = (
            select(KnowledgeFlag, flagger.name, resolver.name)
            .join(flagger, flagger.id == KnowledgeFlag.flagged_by_id)
            .outerjoin(resolver, resolver.id == KnowledgeFlag.resolved_by_id)
            .where(KnowledgeFlag.article_id == article_id)
            .order_by(KnowledgeFlag.flagged_at, KnowledgeFlag.id)
        )
        if open_only:
            query = query.where(KnowledgeFlag.resolved_at.is_(None))
        return [FlagView(*row) for row in (await self.session.execute(query)).tuples().all()]

    async def panel(self, article_id: int) -> FlagPanel:
        """What the article page's flag section shows this employee: the form (employees) and, for who handles
        them, the open flags."""
        article = await self._article(article_id)
        code = await self._service_code(article)
        manages = self.may_resolve(article, code)
        if article.status == ArticleStatus.DRAFT.value and not manages:
            raise NotFound(ARTICLE_NOT_FOUND)
        return FlagPanel(
            article=article,
            may_flag=self.may_flag() and article.status != ArticleStatus.WITHDRAWN.value,
            may_resolve=manages,
            open_flags=await self.flags_of(article.id) if manages else [],
        )


@dataclass(frozen=True)
class FlagPanel:
    article: KnowledgeArticle
    may_flag: bool
    may_resolve: bool
    open_flags: list[FlagView]


__all__ = ["FlagPanel", "FlagService", "FlagView"]
