"""The kennisbank's service: writing, publishing, withdrawing, reviewing and reading articles, and searching them.

Who may (the access matrix holds it): KCC agents, casemanagers and accountmanagers read and search published
articles; accountmanagers of an article's service write it (create as concept, edit, publish, withdraw) and see it in
every status; admins write and see all; evaluators have no access (the texts hold no personal data, but the
kennisbank is not their work).

Every change writes a new ``KnowledgeArticleVersion`` with the whole text, who and what changed, and an audit event
(``knowledge_article``); ``version`` is the optimistic lock: a change naming another version than the current one is
refused (409, nothing written). Articles are never deleted: withdrawing (with a reason) ends one. Articles hold no
personal data (the author rewrites an escalation's question in general terms), so reading them is not audited.

Review: a published article past its ``review_due`` shows "controleren" (``rules.needs_review``) and lands on its
owner's Werkvoorraad; publishing it again (or setting a new review date) is the review. ``expire_overdue`` turns
the published articles more than ``EXPIRY_GRACE_DAYS`` past their review date into ``expired`` (a version each); the
reminders sweep is the place to call it daily.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.orm.exc import StaleDataError

from casemgmt.audit.services import Action, AuditedService, AuditLog
from casemgmt.auth.models import User, UserRole, user_services
from casemgmt.auth.roles import Role
from casemgmt.directory.calendar import AMSTERDAM
from casemgmt.directory.lookup import service_by_code
from casemgmt.directory.models import Service, Topic
from casemgmt.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound, NotReady
from casemgmt.knowledge import rules
from casemgmt.knowledge.models import KnowledgeArticle, KnowledgeArticleVersion
from casemgmt.knowledge.rules import ArticleStatus, ArticleText
from casemgmt.knowledge.search import ArticleHit, index_article, search_articles

READER_ROLES = frozenset({Role.KCC_AGENT, Role.CASEMANAGER, Role.ACCOUNTMANAGER, Role.ADMIN})
EXPIRY_GRACE_DAYS = 30
STALE = "Dit artikel is intussen door iemand anders gewijzigd. Ververs de pagina en breng uw wijziging opnieuw aan."
NOT_FOUND = "Kennisartikel niet gevonden"

_OWNER, _AUTHOR = aliased(User), aliased(User)


def today_in_amsterdam(now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(AMSTERDAM).date()


@dataclass(frozen=True)
class VersionView:
    version: KnowledgeArticleVersion
    changed_by_name: str


@dataclass(frozen=True)
class ArticleView:
    """An article as its page and the API show it. ``id``, ``version``, ``owner_id`` and ``service_id`` are the
    article's (the flag form's template reads them)."""

    article: KnowledgeArticle
    service_code: str
    service_name: str
    topic_code: str | None
    topic_name: str | None
    owner_name: str | None
    created_by_name: str
    versions: list[VersionView]
    needs_review: bool
    may_write: bool

    @property
    def id(self) -> int:
        return self.article.id

    @property
    def version(self) -> int:
        return self.article.version

    @property
    def owner_id(self) -> int | None:
        return self.article.owner_id

    @property
    def service_id(self) -> int:
        return self.article.service_id

    @property
    def status_label(self) -> str:
        return rules.STATUS_LABELS[ArticleStatus(self.article.status)]


@dataclass(frozen=True)
class Draft:
    """What a new article's form starts with (e.g. from an escalation's answer)."""

    service: str = ""
    question: str = ""
    answer: str = ""
    next_steps: str = ""
    source_escalation_id: int | None = None


async def owners_of(session: AsyncSession, service_id: int) -> list[User]:
    """The active accountmanagers of a service: who may own its articles."""
    query = (
        select(User)
        .join(UserRole, (UserRole.user_id == User.id) & (UserRole.role == Role.ACCOUNTMANAGER.value))
        .join(user_services, (user_services.c.user_id == User.id) & (user_services.c.service_id == service_id))
        .where(User.is_active)
        .order_by(User.name, User.id)
    )
    return list((await session.scalars(query)).unique().all())


async def is_accountmanager_of(session: AsyncSession, user_id: int, service_id: int) -> bool:
    query = select(
        exists()
        .where(User.id == user_id, User.is_active)
        .where(exists().where(UserRole.user_id == user_id, UserRole.role == Role.ACCOUNTMANAGER.value))
        .where(exists().where(user_services.c.user_id == user_id, user_services.c.service_id == service_id))
    )
    return bool(await session.scalar(query))


def _snapshot(article: KnowledgeArticle, change: str, by: int, now: datetime) -> KnowledgeArticleVersion:
    return KnowledgeArticleVersion(
        article_id=article.id,
        version=article.version,
        question=article.question,
        answer=article.answer,
        next_steps=article.next_steps,
        service_id=article.service_id,
        topic_id=article.topic_id,
        owner_id=article.owner_id,
        status=article.status,
        review_due=article.review_due,
        change=change[: rules.MAX_CHANGE],
        changed_by_id=by,
        changed_at=now,
    )


async def expire_overdue(session: AsyncSession, audit: AuditLog, now: datetime | None = None) -> list[int]:
    """Expire the published articles more than ``EXPIRY_GRACE_DAYS`` past their review date (a version and an
    audit event each, by the system on the owner's behalf); returns their ids. A second run the same day finds
    none."""
    now = now or datetime.now(UTC)
    limit = today_in_amsterdam(now) - timedelta(days=EXPIRY_GRACE_DAYS)
    query = (
        select(KnowledgeArticle)
        .where(KnowledgeArticle.status == ArticleStatus.PUBLISHED.value, KnowledgeArticle.review_due < limit)
        .with_for_update()
    )
    expired = []
    for article in (await session.scalars(query)).all():
        article.status = ArticleStatus.EXPIRED.value
        await index_article(session, article)
        by = article.owner_id or article.created_by_id
        session.add(_snapshot(article, f"verlopen: niet gecontroleerd voor {article.review_due:%d-%m-%Y}", by, now))
        audit.record(Action.UPDATE, "knowledge_article", article.id, detail="verlopen")
        expired.append(article.id)
    await session.flush()
    return expired


async def adopt_reusable_answer(
    session: AsyncSession,
    audit: AuditLog,
    *,
    reusable_answer_id: int,
    escalation_id: int,
    service_id: int,
    title: str,
    answer: str,
    by: int,
    now: datetime | None = None,
) -> KnowledgeArticle:
    """Keep the kennisbank in step with a reusable answer (escalations): its concept article is written the first
    time (owned by its writer when they are an accountmanager of the service, else the service's first one) and
    rewritten while it is still a concept; once its owner has published it, the kennisbank's text is theirs."""
    now = now or datetime.now(UTC)
    article = await session.scalar(
        select(KnowledgeArticle)
        .where(KnowledgeArticle.source_reusable_answer_id == reusable_answer_id)
        .with_for_update()
    )
    question, text = title.strip()[: rules.MAX_QUESTION], answer.strip()[: rules.MAX_ANSWER]
    if article is None:
        owners = await owners_of(session, service_id)
        owner = next((u.id for u in owners if u.id == by), owners[0].id if owners else None)
        article = KnowledgeArticle(
            question=question,
            answer=text,
            next_steps="",
            service_id=service_id,
            owner_id=owner,
            status=ArticleStatus.DRAFT.value,
            source_escalation_id=escalation_id,
            source_reusable_answer_id=reusable_answer_id,
            created_by_id=by,
        )
        session.add(article)
        change, action = f"overgenomen uit herbruikbaar antwoord {reusable_answer_id}", Action.CREATE
    elif article.status == ArticleStatus.DRAFT and (article.question, article.answer) != (question, text):
        article.question, article.answer = question, text
        change, action = f"herbruikbaar antwoord {reusable_answer_id} herschreven", Action.UPDATE
    else:
        return article
    await index_article(session, article)
    session.add(_snapshot(article, change, by, now))
    audit.record(action, "knowledge_article", article.id, detail=change)
    await session.flush()
    return article


class KnowledgeService(AuditedService):
    # -- who may --------------------------------------------------------------------------------------------------

    def _require_reader(self) -> None:
        if not self.actor.roles & READER_ROLES:
            raise Forbidden("U hebt geen toegang tot de kennisbank.")

    def may_write(self, service_code: str) -> bool:
        return Role.ADMIN in self.actor.roles or (
            Role.ACCOUNTMANAGER in self.actor.roles and service_code in self.actor.service_codes
        )

    @property
    def may_write_any(self) -> bool:
        return Role.ADMIN in self.actor.roles or (
            Role.ACCOUNTMANAGER in self.actor.roles and bool(self.actor.service_codes)
        )

    def _visible_statuses(self) -> tuple[list[str] | None, tuple[str, ...]]:
        """(statuses every reader sees, services whose articles the actor sees in every status)."""
        if Role.ADMIN in self.actor.roles:
            return None, ()
        services = self.actor.service_codes if Role.ACCOUNTMANAGER in self.actor.roles else ()
        return [ArticleStatus.PUBLISHED.value], tuple(services)

    def _may_read(self, article: KnowledgeArticle, service_code: str) -> bool:
        return article.status == ArticleStatus.PUBLISHED or self.may_write(service_code)

    # -- searching ------------------------------------------------------------------------------------------------

    async def search(
        self,
        q: str = "",
        *,
        service: str | None = None,
        topic: str | None = None,
        status: str | None = None,
        limit: int = 20,
    ) -> list[ArticleHit]:
        """The articles the employee may read that match ``q``; 422 for a query beyond ``MAX_QUERY`` characters or
        a status that is none (the English code and the Dutch label both count)."""
        self._require_reader()
        errors: list[FieldError] = []
        try:
            rules.validate_query(q)
        except InvalidInput as exc:
            errors += exc.errors
        try:
            rules.parse_status(status)
        except InvalidInput as exc:
            errors += exc.errors
        if errors:
            raise InvalidInput(errors)
        statuses, all_of = self._visible_statuses()
        return await search_articles(
            self.session,
            q,
            service=service,
            topic=topic,
            status=status,
            limit=limit,
            statuses=statuses,
            all_of_services=all_of,
        )

    # -- reading --------------------------------------------------------------------------------------------------

    async def _row(self, article_id: int) -> tuple[Any, ...]:
        query = (
            select(KnowledgeArticle, Service.code, Service.name, Topic.code, Topic.name, _OWNER.name, _AUTHOR.name)
            .join(Service, Service.id == KnowledgeArticle.service_id)
            .outerjoin(Topic, Topic.id == KnowledgeArticle.topic_id)
            .outerjoin(_OWNER, _OWNER.id == KnowledgeArticle.owner_id)
            .join(_AUTHOR, _AUTHOR.id == KnowledgeArticle.created_by_id)
            .where(KnowledgeArticle.id == article_id)
        )
        row = (await self.session.execute(query)).first()
        if row is None:
            raise NotFound(NOT_FOUND)
        return tuple(row)

    async def get(self, article_id: int, *, now: datetime | None = None) -> ArticleView:
        """An article with its versions (newest first); 404 when there is none, 403 when the employee may not read
        it (a concept, expired or withdrawn article of a service they do not write for)."""
        self._require_reader()
        article, code, name, topic_code, topic_name, owner_name, author_name = await self._row(article_id)
        if not self._may_read(article, code):
            raise Forbidden("Dit artikel is niet gepubliceerd; alleen de accountmanagers van de dienst zien het.")
        versions = (
            await self.session.execute(
                select(KnowledgeArticleVersion, User.name)
                .join(User, User.id == KnowledgeArticleVersion.changed_by_id)
                .where(KnowledgeArticleVersion.article_id == article_id)
                .order_by(KnowledgeArticleVersion.version.desc())
            )
        ).all()
        return ArticleView(
            article=article,
            service_code=code,
            service_name=name,
            topic_code=topic_code,
            topic_name=topic_name,
            owner_name=owner_name,
            created_by_name=author_name,
            versions=[VersionView(version, by) for version, by in versions],
            needs_review=rules.needs_review(article.status, article.review_due, today_in_amsterdam(now)),
            may_write=self.may_write(code),
        )

    async def version_of(self, article_id: int, version: int) -> VersionView:
        """One earlier version of an article the employee may read (404 when it has no such version)."""
        view = await self.get(article_id)
        for candidate in view.versions:
            if candidate.version.version == version:
                return candidate
        raise NotFound("Deze versie van het artikel bestaat niet")

    async def owner_choices(self, service_code: str) -> list[User]:
        try:
            service = await service_by_code(self.session, service_code)
        except InvalidInput:
            return []
        return await owners_of(self.session, service.id)

    # -- writing --------------------------------------------------------------------------------------------------

    async def _topic_id(self, topic: str | None, service: Service) -> int | None:
        if not topic or not topic.strip():
            return None
        found = await self.session.scalar(select(Topic).where(Topic.code == topic.strip().lower()))
        if found is None or found.service_id != service.id:
            raise InvalidInput.single("topic", f"Onbekend onderwerp '{topic[:40]}' voor {service.code}")
        return found.id

    async def _owner_id(self, owner_id: int | None, service: Service) -> int | None:
        if owner_id is None:
            return None
        if not await is_accountmanager_of(self.session, owner_id, service.id):
            raise InvalidInput.single("owner_id", f"De eigenaar moet een accountmanager van {service.code} zijn")
        return owner_id

    async def create(
        self,
        *,
        service: str,
        question: str,
        answer: str = "",
        next_steps: str = "",
        topic: str | None = None,
        owner_id: int | None = None,
        source_escalation_id: int | None = None,
        now: datetime | None = None,
    ) -> KnowledgeArticle:
        """A new concept article of ``service`` (its owner: ``owner_id``, else the author when they are an
        accountmanager of the service); 403 for who does not write for the service, 422 for bad texts, an unknown
        service or topic, or an owner who is not an accountmanager of the service."""
        self._require_reader()
        now = now or datetime.now(UTC)
        errors: list[FieldError] = []
        target: Service | None = None
        text: ArticleText | None = None
        try:
            text = rules.validate_text(question, answer, next_steps)
        except InvalidInput as exc:
            errors += exc.errors
        if not service.strip():
            errors.append(FieldError("service", "Kies de dienst van het artikel"))
        else:
            try:
                target = await service_by_code(self.session, service)
            except InvalidInput as exc:
                errors += exc.errors
        if target is not None and not self.may_write(target.code):
            raise Forbidden(f"Alleen accountmanagers van {target.code} schrijven de artikelen van {target.code}.")
        if target is not None:
            for check in (self._topic_id(topic, target), self._owner_id(owner_id, target)):
                try:
                    await check
                except InvalidInput as exc:
                    errors += exc.errors
        if errors:
            raise InvalidInput(errors)
        assert target is not None and text is not None
        if owner_id is None and await is_accountmanager_of(self.session, self.actor.id, target.id):
            owner_id = self.actor.id
        article = KnowledgeArticle(
            question=text.question,
            answer=text.answer,
            next_steps=text.next_steps,
            service_id=target.id,
            topic_id=await self._topic_id(topic, target),
            owner_id=owner_id,
            status=ArticleStatus.DRAFT.value,
            source_escalation_id=source_escalation_id,
            created_by_id=self.actor.id,
        )
        self.session.add(article)
        await index_article(self.session, article)
        change = "aangemaakt als concept" + (f" uit escalatie {source_escalation_id}" if source_escalation_id else "")
        self.session.add(_snapshot(article, change, self.actor.id, now))
        await self.session.flush()
        self.audit.record(Action.CREATE, "knowledge_article", article.id, detail=change)
        return article

    async def _to_change(self, article_id: int, version: int | None) -> tuple[KnowledgeArticle, Service]:
        self._require_reader()
        article = await self._existing(KnowledgeArticle, article_id, NOT_FOUND, for_update=True)
        service = await self.session.get(Service, article.service_id)
        assert service is not None
        if not self.may_write(service.code):
            raise Forbidden(f"Alleen accountmanagers van {service.code} wijzigen de artikelen van {service.code}.")
        if version is not None and version != article.version:
            raise Conflict(STALE)
        return article, service

    async def _save(self, article: KnowledgeArticle, change: str, now: datetime) -> KnowledgeArticle:
        try:
            await index_article(self.session, article)
        except StaleDataError as exc:
            raise Conflict(STALE) from exc
        self.session.add(_snapshot(article, change, self.actor.id, now))
        await self.session.flush()
        self.audit.record(Action.UPDATE, "knowledge_article", article.id, detail=change)
        return article

    async def update(
        self,
        article_id: int,
        *,
        version: int,
        question: str | None = None,
        answer: str | None = None,
        next_steps: str | None = None,
        topic: str | None = None,
        owner_id: int | None = None,
        review_due: date | None = None,
        fields: Sequence[str] = (),
        now: datetime | None = None,
    ) -> KnowledgeArticle:
        """A new version with the given texts and classification (``fields`` names which of ``topic``,
        ``owner_id`` and ``review_due`` are set, so they can be cleared with ``None``); 409 when ``version`` is not
        the current one, 422 for bad values, 409 for a withdrawn article. Nothing changed writes nothing."""
        now = now or datetime.now(UTC)
        article, service = await self._to_change(article_id, version)
        if article.status == ArticleStatus.WITHDRAWN:
            raise Conflict("Een ingetrokken artikel kan niet meer worden gewijzigd.")
        before = ArticleText(article.question, article.answer, article.next_steps)
        errors: list[FieldError] = []
        after = before
        try:
            after = rules.validate_text(
                before.question if question is None else question,
                before.answer if answer is None else answer,
                before.next_steps if next_steps is None else next_steps,
            )
        except InvalidInput as exc:
            errors += exc.errors
        topic_id, new_owner = article.topic_id, article.owner_id
        if "topic" in fields:
            try:
                topic_id = await self._topic_id(topic, service)
            except InvalidInput as exc:
                errors += exc.errors
        if "owner_id" in fields:
            try:
                new_owner = await self._owner_id(owner_id, service)
            except InvalidInput as exc:
                errors += exc.errors
        new_review = review_due if "review_due" in fields else article.review_due
        if "review_due" in fields and review_due is not None and review_due <= today_in_amsterdam(now):
            errors.append(FieldError("review_due", "De controledatum moet in de toekomst liggen"))
        if errors:
            raise InvalidInput(errors)
        parts = rules.changed_fields(before, after)
        if topic_id != article.topic_id:
            parts.append("onderwerp")
        if new_owner != article.owner_id:
            parts.append("eigenaar")
        if new_review != article.review_due:
            parts.append("controledatum")
        if not parts:
            return article
        article.question, article.answer, article.next_steps = after.question, after.answer, after.next_steps
        article.topic_id, article.owner_id, article.review_due = topic_id, new_owner, new_review
        return await self._save(article, rules.change_summary(parts, "gewijzigd"), now)

    async def publish(
        self,
        article_id: int,
        *,
        version: int | None = None,
        review_due: date | None = None,
        now: datetime | None = None,
    ) -> KnowledgeArticle:
        """Publish a concept or expired article, or confirm a published one (the review): the review date becomes
        ``review_due`` or six months on. 422 without an answer or without an owner who is an accountmanager of the
        service, or for a withdrawn article; 409 for a stale ``version``. Nothing written when refused."""
        now = now or datetime.now(UTC)
        article, service = await self._to_change(article_id, version)
        owner_ok = None
        if article.owner_id is not None:
            owner_ok = await is_accountmanager_of(self.session, article.owner_id, service.id)
        today = today_in_amsterdam(now)
        if review_due is not None and review_due <= today:
            raise InvalidInput.single("review_due", "De controledatum moet in de toekomst liggen")
        if errors := rules.publish_refusals(article.status, article.answer, owner_ok):
            raise NotReady(errors, "Dit artikel kan nog niet worden gepubliceerd.")
        change = (
            "gepubliceerd" if article.status != ArticleStatus.PUBLISHED else "gecontroleerd en opnieuw gepubliceerd"
        )
        article.status = ArticleStatus.PUBLISHED.value
        article.published_at = now
        article.review_due = review_due or rules.default_review_due(today)
        return await self._save(article, f"{change}; controleren voor {article.review_due:%d-%m-%Y}", now)

    async def withdraw(
        self, article_id: int, *, reason: str, version: int | None = None, now: datetime | None = None
    ) -> KnowledgeArticle:
        """Withdraw an article with a reason (422 without one; 409 when already withdrawn or stale)."""
        now = now or datetime.now(UTC)
        article, _service = await self._to_change(article_id, version)
        text = rules.validate_reason(reason)
        if article.status == ArticleStatus.WITHDRAWN:
            raise Conflict("Dit artikel is al ingetrokken.")
        article.status = ArticleStatus.WITHDRAWN.value
        article.withdrawn_reason = text
        article.withdrawn_at = now
        return await self._save(article, f"ingetrokken: {text}", now)


__all__ = [
    "READER_ROLES",
    "ArticleView",
    "Draft",
    "KnowledgeService",
    "VersionView",
    "adopt_reusable_answer",
    "expire_overdue",
    "is_accountmanager_of",
    "owners_of",
]
