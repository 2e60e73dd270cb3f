"""Trends for management (seed 3.2.2 "regie" and 3.2.3, "management monitors service"): the KCC's own measures and
the back office's promises, per month and per service, topic or channel (``by``).

Every figure is aggregated in SQL (GROUP BY group, month; months bucketed as in ``periods.py``), over the whole
municipality — not just pilots, anonymous contacts included — in a constant number of queries (one per source,
whatever the number of months or groups), and shows pseudonymised counts only. Months are Europe/Amsterdam calendar
months; "due" means due by now, as in the measures engine (a promise whose due moment is still ahead is not judged
yet). The definitions are DESIGN.md's ("The measures"):

| measure | by service | by topic / channel | month of | count / n |
| --- | --- | --- | --- | --- |
| ``inbound_contacts`` | the contact's service | the contact's | it occurred | inbound contacts |
| ``helped_at_once_share`` | the contact's service | the contact's | it occurred | resolved, 0 transfers / inbound |
| ``resolved_in_one_go_share`` | the contact's service | the contact's | it occurred | resolved / inbound |
| ``transfer_share``, ``multiple_…`` | the contact's service | the contact's | it occurred | ≥ 1, ≥ 2 / inbound |
| ``failed_transfer_share`` | the service tried | the contact's | the contact | failed attempts / attempts |
| ``callback_on_time_share`` | the promise's service | its contact's | first due moment | kept on time / due |
| ``on_time_share`` | the promise's service | — | first due moment | kept on time / due |
| ``escalation_within_norm_share`` | the answering service | — | its due moment | within the norm / due |
| ``handoffs_per_dossier`` | the handing-off service | — | the request | handoffs / distinct dossiers |
| ``ping_pong_share`` | the service sending back | — | the request | dossiers sent back / distinct dossiers |
| ``satisfied_share`` | municipality-wide | municipality-wide | ``contact_date`` | grade ≥ 7 / graded |
| ``article_contacts`` | the contact's service | the contact's | it occurred | inbound with a knowledge article |
| ``…_share_with_article`` | the contact's service | the contact's | it occurred | resolved / inbound with one |
| ``…_share_without_article`` | the contact's service | the contact's | it occurred | resolved / inbound without |

Choices where the issues leave room:

- **Failed transfers** are counted per attempt (a contact may record several): by service they belong to the
  service that could not be reached, which is what its management must act on; by topic and channel to the contact.
  Only attempts on inbound contacts count, like the other KCC measures.
- **Callbacks** are commitments of kind ``callback``; "due" and "on time" as ``on_time_share`` (a rescheduled
  promise counts against its first due moment). By topic and channel through the contact they were promised on;
  a callback promised without a contact falls under "Zonder onderwerp" / "Onbekend kanaal".
- Measures with no topic or channel of their own (promises in general, escalations, handoffs) are shown per service
  only; the satisfied share has no service (survey responses carry none), so it is one municipality-wide row.
- **Handoffs per dossier** counts the handoffs that moved a dossier (requested or accepted) that a service requested
  in the month, over the distinct dossiers they concern; **ping-pong** is attributed to the service that sent a
  dossier back within 30 days (``handoffs/rules.py``, the same EXISTS as the engine).
- **Totals**: for the measures whose units add up (every one but the two handoff measures, whose n are distinct
  dossiers) a row "Gemeente (totaal)" per month and a figure over the whole period per group, each share with its
  95% Wilson interval; the Masterplan's targets stand beside them (``target``).
- **The kennisbank** (issue 16): a contact "with an article" recorded at least one knowledge article it was
  answered with (``contact_articles``); the two FCR shares split the inbound contacts into those with and those
  without, so their difference shows what the kennisbank adds. Not a causal effect: agents attach articles to the
  questions that have one.
- **Suppression** (``metrics/disclosure.py``): a cell over 1–4 units shows no figure (``< 5, niet getoond``; in JSON
  every number of the cell is null and ``suppressed`` is true), and ``table_withheld`` adds the cells needed so that
  none is "a total minus the others" along a group's months or a month's groups.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Literal, get_args

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from casemgmt.commitments.models import Commitment
from casemgmt.commitments.rules import CommitmentKind
from casemgmt.contacts.models import Contact, ContactTransfer
from casemgmt.contacts.rules import CHANNEL_LABELS, CHANNELS
from casemgmt.db import plan_with_parameter_values
from casemgmt.directory.models import Service, Topic
from casemgmt.escalations.models import Escalation
from casemgmt.handoffs.models import Handoff
from casemgmt.knowledge.models import contact_articles
from casemgmt.metrics.disclosure import THRESHOLD, small, table_withheld
from casemgmt.metrics.engine import (
    COUNTED_HANDOFF_STATUSES,
    INBOUND,
    RESOLVED,
    commitments_due_clause,
    sent_back_clause,
)
from casemgmt.metrics.periods import Period, month_bucket, month_key
from casemgmt.metrics.results import (
    TrendFigure,
    TrendLine,
    TrendMeasureDocument,
    TrendMonth,
    TrendsDocument,
)
from casemgmt.metrics.statistics import wilson_intervals
from casemgmt.surveys.models import SurveyResponse
from casemgmt.surveys.questionnaire import SATISFIED_MIN_GRADE

# Aliases built once: a fresh aliased() makes SQLAlchemy set up the entity again on every statement (ms each).
_LATER_HANDOFF, _EARLIER_HANDOFF = aliased(Handoff), aliased(Handoff)

SUPPRESSION_THRESHOLD = THRESHOLD
"""Cells with fewer units than this show no figure (the one rule: ``metrics/disclosure.py``)."""

Grouping = Literal["service", "topic", "channel"]
GROUPINGS: tuple[Grouping, ...] = get_args(Grouping)
GROUPING_LABELS: Mapping[str, str] = {"service": "Per dienst", "topic": "Per onderwerp", "channel": "Per kanaal"}
GROUPING_NOUNS: Mapping[str, str] = {"service": "Dienst", "topic": "Onderwerp", "channel": "Kanaal"}

NO_GROUP = ""
MUNICIPALITY = "GEMEENTE"
NO_GROUP_LABELS: Mapping[str, str] = {
    "service": "Zonder dienst",
    "topic": "Zonder onderwerp",
    "channel": "Onbekend kanaal",
}
MUNICIPALITY_LABEL = "Gemeente (totaal)"

Kind = Literal["share", "mean", "count"]

_INBOUND_N = "inkomende klantcontacten"
_CONTACT_BY = {
    "service": "per dienst van het klantcontact",
    "topic": "per onderwerp van het klantcontact",
    "channel": "per kanaal van het klantcontact",
}
_MUNICIPAL_BY = "voor de hele gemeente (het tevredenheidsonderzoek kent geen dienst, onderwerp of kanaal)"

MASTERPLAN = "Masterplan Dienstverlening"
"""Where the targets come from (DESIGN.md: 90% satisfied, 80% resolved in one go, 80% within the agreed term)."""


@dataclass(frozen=True)
class TrendDefinition:
    """A measure as the trends count it, per month and per group (the label and definition say how)."""

    code: str
    kind: Kind
    section: str
    label: str
    by: Mapping[str, str]
    """How the rows are split, per grouping, as a phrase ("per dienst van de toezegging"); a grouping missing here
    does not split this measure (it is left out of the trends by that grouping)."""
    count_label: str
    n_label: str
    definition: str
    target: float | None = None
    """The Masterplan's target (a minimum; None: no target)."""
    additive: bool = True
    """Whether the units of the cells add up over months and groups (then totals are shown)."""
    municipal: bool = False
    """One municipality-wide row whatever the grouping."""
    lower_is_better: bool = False


_CONTACTS, _PROMISES, _HANDOFFS, _SATISFACTION, _KNOWLEDGE = (
    "Klantcontacten",
    "Terugbellen, toezeggingen en escalaties",
    "Overdrachten tussen diensten",
    "Tevredenheid",
    "Kennisbank",
)
_WITH_ARTICLE_N = "inkomende klantcontacten met een kennisartikel"

DEFINITIONS: tuple[TrendDefinition, ...] = (
    TrendDefinition(
        "inbound_contacts",
        "count",
        _CONTACTS,
        "Inkomende klantcontacten",
        _CONTACT_BY,
        "inkomende klantcontacten",
        _INBOUND_N,
        "Het aantal klantcontacten waarin de klant contact opnam (telefoon, balie, e-mail, website, brief, …), ook "
        "anonieme contacten zonder klant of dossier.",
    ),
    TrendDefinition(
        "helped_at_once_share",
        "share",
        _CONTACTS,
        "Direct geholpen",
        _CONTACT_BY,
        "direct geholpen",
        _INBOUND_N,
        "Inkomende klantcontacten met uitkomst ‘opgelost’ waarin de klant niet is doorverbonden, gedeeld door alle "
        "inkomende klantcontacten.",
    ),
    TrendDefinition(
        "resolved_in_one_go_share",
        "share",
        _CONTACTS,
        "In één keer geholpen",
        _CONTACT_BY,
        "opgelost",
        _INBOUND_N,
        "Inkomende klantcontacten met uitkomst ‘opgelost’, gedeeld door alle inkomende klantcontacten.",
        target=0.8,
    ),
    TrendDefinition(
        "transfer_share",
        "share",
        _CONTACTS,
        "Doorverbonden",
        _CONTACT_BY,
        "doorverbonden",
        _INBOUND_N,
        "Inkomende klantcontacten waarin de klant minstens één keer is doorverbonden (gelukt of niet), gedeeld door "
        "alle inkomende klantcontacten. Lager is beter.",
        lower_is_better=True,
    ),
    TrendDefinition(
        "multiple_transfer_share",
        "share",
        _CONTACTS,
        "Vaker dan één keer doorverbonden",
        _CONTACT_BY,
        "twee keer of vaker doorverbonden",
        _INBOUND_N,
        "Inkomende klantcontacten waarin de klant minstens twee keer is doorverbonden, gedeeld door alle inkomende "
        "klantcontacten: van het kastje naar de muur. Lager is beter.",
        lower_is_better=True,
    ),
    TrendDefinition(
        "failed_transfer_share",
        "share",
        _CONTACTS,
        "Doorverbinden mislukt",
        {
            "service": "per dienst waarnaar werd doorverbonden",
            "topic": "per onderwerp van het klantcontact",
            "channel": "per kanaal van het klantcontact",
        },
        "mislukt",
        "pogingen tot doorverbinden",
        "Pogingen om een klant door te verbinden (bij inkomende klantcontacten) die niet lukten, gedeeld door alle "
        "pogingen. Per dienst telt de dienst die niet bereikbaar was. Lager is beter.",
        lower_is_better=True,
    ),
    TrendDefinition(
        "callback_on_time_share",
        "share",
        _PROMISES,
        "Terugbelafspraken op tijd nagekomen",
        {
            "service": "per dienst van de terugbelafspraak",
            "topic": "per onderwerp van het klantcontact waarin zij werd gemaakt",
            "channel": "per kanaal van het klantcontact waarin zij werd gemaakt",
        },
        "op tijd teruggebeld",
        "terugbelafspraken die in de maand afliepen",
        "Terugbelafspraken waarvan het eerst afgesproken moment in de maand lag (en al voorbij is), die op of vóór dat "
        "moment zijn nagekomen, gedeeld door alle terugbelafspraken die in de maand afliepen. Een verzette afspraak "
        "telt tegen haar eerste moment; afspraken die vóór dat moment zijn ingetrokken tellen niet mee.",
        target=0.8,
    ),
    TrendDefinition(
        "on_time_share",
        "share",
        _PROMISES,
        "Toezeggingen op tijd nagekomen",
        {"service": "per dienst van de toezegging"},
        "op tijd nagekomen",
        "toezeggingen die in de maand afliepen",
        "Alle toezeggingen (terugbellen, informatie sturen, besluiten, …) waarvan het eerst afgesproken moment in de "
        "maand lag (en al voorbij is), die op of vóór dat moment zijn nagekomen, gedeeld door alle toezeggingen die "
        "in de maand afliepen. Toezeggingen die vóór het afgesproken moment zijn ingetrokken tellen niet mee.",
        target=0.8,
    ),
    TrendDefinition(
        "escalation_within_norm_share",
        "share",
        _PROMISES,
        "Escalaties binnen de norm beantwoord",
        {"service": "per dienst die de escalatie beantwoordt"},
        "binnen de norm",
        "escalaties die in de maand afliepen",
        "Escalaties van het KCC waarvan de normtermijn van de dienst in de maand afliep (en al voorbij is), die "
        "binnen die termijn zijn beantwoord, gedeeld door alle escalaties die in de maand afliepen.",
        target=0.8,
    ),
    TrendDefinition(
        "handoffs_per_dossier",
        "mean",
        _HANDOFFS,
        "Overdrachten per dossier",
        {"service": "per dienst die overdraagt"},
        "overdrachten",
        "dossiers",
        "Het aantal overdrachten (aangevraagd of geaccepteerd) dat de dienst in de maand deed, gedeeld door het "
        "aantal verschillende dossiers dat het betrof. 1,0 betekent dat elk dossier één keer werd overgedragen; "
        "hoger betekent dat dezelfde dossiers vaker werden doorgeschoven.",
        additive=False,
    ),
    TrendDefinition(
        "ping_pong_share",
        "share",
        _HANDOFFS,
        "Dossiers met pingpong",
        {"service": "per dienst die het dossier terugstuurt"},
        "met pingpong",
        "overgedragen dossiers",
        "Van de dossiers die de dienst in de maand overdroeg: het deel dat de dienst terugstuurde naar een dienst "
        "die het dossier in de 30 dagen daarvoor zelf had overgedragen (A → B → A, van het kastje naar de muur). "
        "Lager is beter.",
        additive=False,
        lower_is_better=True,
    ),
    TrendDefinition(
        "satisfied_share",
        "share",
        _SATISFACTION,
        "Tevreden (rapportcijfer 7 of hoger)",
        dict.fromkeys(GROUPINGS, _MUNICIPAL_BY),
        "tevreden",
        "antwoorden met een rapportcijfer",
        "Antwoorden op het tevredenheidsonderzoek met een rapportcijfer van 7 of hoger, gedeeld door alle "
        "antwoorden met een rapportcijfer, naar de datum van het klantcontact.",
        target=0.9,
        municipal=True,
    ),
    TrendDefinition(
        "article_contacts",
        "count",
        _KNOWLEDGE,
        "Klantcontacten beantwoord met een kennisartikel",
        _CONTACT_BY,
        "met een kennisartikel",
        _WITH_ARTICLE_N,
        "Het aantal inkomende klantcontacten waarbij de medewerker minstens één artikel uit de kennisbank heeft "
        "vastgelegd als gegeven antwoord.",
    ),
    TrendDefinition(
        "resolved_in_one_go_share_with_article",
        "share",
        _KNOWLEDGE,
        "In één keer geholpen, met kennisartikel",
        _CONTACT_BY,
        "opgelost",
        _WITH_ARTICLE_N,
        "Inkomende klantcontacten met een kennisartikel en uitkomst ‘opgelost’, gedeeld door alle inkomende "
        "klantcontacten met een kennisartikel. Vergelijk met ‘zonder kennisartikel’: het verschil is geen bewezen "
        "effect, want een artikel wordt gebruikt bij vragen waarvoor er een is.",
        target=0.8,
    ),
    TrendDefinition(
        "resolved_in_one_go_share_without_article",
        "share",
        _KNOWLEDGE,
        "In één keer geholpen, zonder kennisartikel",
        _CONTACT_BY,
        "opgelost",
        "inkomende klantcontacten zonder kennisartikel",
        "Inkomende klantcontacten zonder kennisartikel met uitkomst ‘opgelost’, gedeeld door alle inkomende "
        "klantcontacten zonder kennisartikel.",
        target=0.8,
    ),
)
DEFINITIONS_BY_CODE = {definition.code: definition for definition in DEFINITIONS}


def definitions_for(by: Grouping) -> tuple[TrendDefinition, ...]:
    """The measures the trends split by ``by``, in their order."""
    return tuple(definition for definition in DEFINITIONS if by in definition.by)


@dataclass(frozen=True)
class TrendCell:
    """One group's figure in one month (``month``) or over the whole period (``month`` None)."""

    month: date | None
    count: int
    n: int
    kind: Kind
    suppressed: bool = False
    interval: tuple[float, float] | None = None
    """The 95% Wilson interval of a shown share."""

    @property
    def value(self) -> float | None:
        """The figure: count / n (a share or a mean), the count itself for a count; None when there is nothing
        (n = 0) or the cell is suppressed."""
        if self.n == 0 or self.suppressed:
            return None
        return float(self.count) if self.kind == "count" else self.count / self.n

    def _numbers(self) -> dict[str, Any]:
        shown = not self.suppressed
        share = self.value if self.kind == "share" else None
        return {
            "numerator": self.count if shown else None,
            "denominator": self.n if shown and self.kind != "count" else None,
            "value": self.value,
            "share": share,
            "ci_low": self.interval[0] if share is not None and self.interval else None,
            "ci_high": self.interval[1] if share is not None and self.interval else None,
            "suppressed": self.suppressed,
        }

    def document(self) -> TrendMonth:
        assert self.month is not None
        return TrendMonth(month=month_key(self.month), **self._numbers())

    def total_document(self) -> TrendFigure:
        return TrendFigure(**self._numbers())


@dataclass(frozen=True)
class TrendRow:
    key: str
    label: str
    cells: tuple[TrendCell, ...]
    total: TrendCell | None = None
    """The figure over the whole period (additive measures only)."""

    @property
    def is_total(self) -> bool:
        return self.key == MUNICIPALITY


@dataclass(frozen=True)
class TrendMeasure:
    definition: TrendDefinition
    rows: tuple[TrendRow, ...]
    by: Grouping

    @property
    def code(self) -> str:
        return self.definition.code

    @property
    def by_text(self) -> str:
        return self.definition.by[self.by]


@dataclass(frozen=True)
class Trends:
    period: Period
    by: Grouping
    months: tuple[date, ...]
    measures: tuple[TrendMeasure, ...]

    @property
    def by_label(self) -> str:
        return GROUPING_LABELS[self.by]

    @property
    def by_noun(self) -> str:
        return GROUPING_NOUNS[self.by]

    def document(self) -> TrendsDocument:
        """The ``GET /api/v1/trends`` response."""
        return TrendsDocument(
            date_from=self.period.as_json()["from"],
            date_to=self.period.as_json()["to"],
            by=self.by,
            months=[month_key(month) for month in self.months],
            suppression_threshold=SUPPRESSION_THRESHOLD,
            measures={
                measure.code: TrendMeasureDocument(
                    label=measure.definition.label,
                    kind=measure.definition.kind,
                    by=measure.by_text,
                    target=measure.definition.target,
                    lower_is_better=measure.definition.lower_is_better,
                    rows=[
                        TrendLine(
                            group=None if row.key in (MUNICIPALITY, NO_GROUP) else row.key,
                            label=row.label,
                            is_total=row.is_total,
                            period=row.total.total_document() if row.total else None,
                            months=[cell.document() for cell in row.cells],
                        )
                        for row in measure.rows
                    ],
                )
                for measure in self.measures
            },
        )


@dataclass(frozen=True)
class _Row:
    group: str | None
    month: str
    count: int
    n: int


# ====================================================================== the groups


def _contact_key(by: Grouping, contact: Any = Contact) -> Any:
    """The column that groups contacts (of ``contact``, a model or alias) ``by``: the service's or topic's id, or the
    channel itself. Grouping on the id and naming the group afterwards (:func:`_named`) keeps the join to services
    or topics out of the hundreds of thousands of rows being aggregated."""
    if by == "service":
        return contact.service_id
    if by == "topic":
        return contact.topic_id
    return contact.channel


def _named(grouped: Any, by: Grouping) -> Any:
    """``grouped`` (aggregate rows whose ``grp`` is a service or topic id, or a channel) with ``grp`` the group's
    code: the join runs over the aggregated rows only (a few per group and month)."""
    if by == "channel":
        return grouped
    rows = grouped.subquery()
    table = Service if by == "service" else Topic
    return (
        select(table.code.label("grp"), *(column for column in rows.c if column.key != "grp"))
        .select_from(rows)
        .outerjoin(table, table.id == rows.c.grp)
    )


async def _labels(session: AsyncSession, by: Grouping) -> dict[str, str]:
    """The Dutch label of every group key (service codes and channels are their own labels or fixed)."""
    if by == "topic":
        rows = await session.execute(select(Topic.code, Topic.name, Service.code).join(Service))
        return {code: f"{name} ({service})" for code, name, service in rows.tuples()}
    if by == "channel":
        return dict(CHANNEL_LABELS)
    return {}


def _order(by: Grouping, labels: Mapping[str, str]) -> Any:
    """The sort key of a group key: services by code, topics by label, channels in the form's order; the rows
    without a group last."""

    def key(group: str) -> tuple[Any, ...]:
        if by == "channel":
            return (group == NO_GROUP, CHANNELS.index(group) if group in CHANNELS else len(CHANNELS), group)
        if by == "topic":
            return (group == NO_GROUP, labels.get(group, group).casefold())
        return (group == NO_GROUP, group)

    return key


# ====================================================================== the queries (one per source)


async def _grouped(session: AsyncSession, inner: Any, count: Any, n: Any, by: Grouping = "service") -> list[Any]:
    c = inner.c
    query = select(c.grp, c.month, count.label("count"), n.label("n")).group_by(c.grp, c.month)
    return [_Row(row.grp, row.month, row._mapping["count"], row.n) for row in await session.execute(_named(query, by))]


_WITH_ARTICLE = select(contact_articles.c.contact_id).distinct().subquery()
"""The contacts answered with at least one knowledge article, outer-joined once (not an EXISTS per aggregate)."""


async def _contacts(session: AsyncSession, period: Period, by: Grouping) -> dict[str, list[_Row]]:
    """The inbound-contact measures (the kennisbank's three included) from one GROUP BY."""
    inner = (
        select(
            _contact_key(by).label("grp"),
            month_bucket(Contact.occurred_at, period).label("month"),
            Contact.outcome.label("outcome"),
            Contact.transfers.label("transfers"),
            case((_WITH_ARTICLE.c.contact_id.is_(None), 0), else_=1).label("article"),
        )
        .select_from(Contact)
        .outerjoin(_WITH_ARTICLE, _WITH_ARTICLE.c.contact_id == Contact.id)
        .where(Contact.direction == INBOUND, period.moments(Contact.occurred_at))
        .subquery()
    )
    c = inner.c
    resolved, article = c.outcome == RESOLVED, c.article == 1
    grouped = select(
        c.grp,
        c.month,
        func.count().label("inbound"),
        func.count().filter(and_(resolved, c.transfers == 0)).label("helped"),
        func.count().filter(resolved).label("resolved"),
        func.count().filter(c.transfers >= 1).label("transferred"),
        func.count().filter(c.transfers >= 2).label("more"),
        func.count().filter(article).label("with_article"),
        func.count().filter(resolved, article).label("resolved_with"),
        func.count().filter(c.article == 0).label("without_article"),
        func.count().filter(resolved, c.article == 0).label("resolved_without"),
    ).group_by(c.grp, c.month)
    rows = await session.execute(_named(grouped, by))
    found: dict[str, list[_Row]] = {code: [] for code in _CONTACT_COUNTS}
    for row in rows:
        for code, (column, n) in _CONTACT_COUNTS.items():
            found[code].append(_Row(row.grp, row.month, getattr(row, column), getattr(row, n)))
    return found


_CONTACT_COUNTS = {
    "inbound_contacts": ("inbound", "inbound"),
    "helped_at_once_share": ("helped", "inbound"),
    "resolved_in_one_go_share": ("resolved", "inbound"),
    "transfer_share": ("transferred", "inbound"),
    "multiple_transfer_share": ("more", "inbound"),
    "article_contacts": ("with_article", "with_article"),
    "resolved_in_one_go_share_with_article": ("resolved_with", "with_article"),
    "resolved_in_one_go_share_without_article": ("resolved_without", "without_article"),
}
"""measure → (count column, n column) of the contacts' GROUP BY."""


async def _failed_transfers(session: AsyncSession, period: Period, by: Grouping) -> list[_Row]:
    group = ContactTransfer.service_id if by == "service" else _contact_key(by)
    inner = (
        select(
            group.label("grp"),
            month_bucket(Contact.occurred_at, period).label("month"),
            ContactTransfer.connected.label("connected"),
        )
        .select_from(ContactTransfer)
        .join(Contact, Contact.id == ContactTransfer.contact_id)
        .where(Contact.direction == INBOUND, period.moments(Contact.occurred_at))
        .subquery()
    )
    return await _grouped(session, inner, func.count().filter(inner.c.connected.is_(False)), func.count(), by)


def _due_subquery(period: Period, done: Any, due: Any, due_at: Any, query: Any, group: Any) -> Any:
    return (
        query.add_columns(group.label("grp"), month_bucket(due_at, period).label("month"), done.label("done"))
        .where(due)
        .subquery()
    )


async def _commitments(
    session: AsyncSession, period: Period, now: datetime, by: Grouping, *, callbacks: bool
) -> list[_Row]:
    """Commitments due in the period (callbacks only, or all) kept on time, per group and month of their first due
    moment."""
    due = commitments_due_clause(period, now)
    if callbacks:
        due = and_(due, Commitment.kind == CommitmentKind.CALLBACK)
    query = select().select_from(Commitment)
    if by == "service":
        group = Commitment.service_id
    else:
        query, group = query.join(Contact, Contact.id == Commitment.contact_id, isouter=True), _contact_key(by)
    inner = _due_subquery(period, Commitment.kept_on_time, due, Commitment.first_due_at, query, group)
    return await _grouped(session, inner, func.count().filter(inner.c.done.is_(True)), func.count(), by)


async def _escalations(session: AsyncSession, period: Period, now: datetime) -> list[_Row]:
    due = and_(period.moments(Escalation.due_at), Escalation.due_at <= now)
    query = select().select_from(Escalation)
    inner = _due_subquery(period, Escalation.within_norm, due, Escalation.due_at, query, Escalation.service_id)
    return await _grouped(session, inner, func.count().filter(inner.c.done.is_(True)), func.count())


async def _handoffs(session: AsyncSession, period: Period) -> tuple[list[_Row], list[_Row]]:
    """(handoffs per dossier rows, ping-pong rows) from one subquery of the period's counted handoffs."""
    later, earlier = _LATER_HANDOFF, _EARLIER_HANDOFF
    dialect = session.bind.dialect.name
    ping_pong = select(earlier.id).where(sent_back_clause(dialect, later, earlier)).exists()
    inner = (
        select(
            later.from_service_id.label("grp"),
            month_bucket(later.requested_at, period).label("month"),
            later.dossier_id.label("dossier_id"),
            case((ping_pong, later.dossier_id), else_=None).label("ping_pong_dossier"),
        )
        .select_from(later)
        .where(later.status.in_(COUNTED_HANDOFF_STATUSES), period.moments(later.requested_at))
        .subquery()
    )
    c = inner.c
    grouped = select(
        c.grp,
        c.month,
        func.count().label("handoffs"),
        func.count(c.dossier_id.distinct()).label("dossiers"),
        func.count(c.ping_pong_dossier.distinct()).label("ping_pong"),
    ).group_by(c.grp, c.month)
    rows = (await session.execute(_named(grouped, "service"))).all()
    per_dossier = [_Row(r.grp, r.month, r.handoffs, r.dossiers) for r in rows]
    ping_pong_rows = [_Row(r.grp, r.month, r.ping_pong, r.dossiers) for r in rows]
    return per_dossier, ping_pong_rows


async def _satisfied(session: AsyncSession, period: Period) -> list[_Row]:
    inner = (
        select(
            month_bucket(SurveyResponse.contact_date, period, moments=False).label("month"),
            SurveyResponse.grade.label("grade"),
        )
        .where(SurveyResponse.grade.is_not(None), period.dates(SurveyResponse.contact_date))
        .subquery()
    )
    rows = (
        await session.execute(
            select(
                inner.c.month,
                func.count().filter(inner.c.grade >= SATISFIED_MIN_GRADE).label("count"),
                func.count().label("n"),
            ).group_by(inner.c.month)
        )
    ).all()
    return [_Row(MUNICIPALITY, r.month, r._mapping["count"], r.n) for r in rows]  # ``r.count`` is tuple.count


async def _found(session: AsyncSession, period: Period, now: datetime, by: Grouping) -> dict[str, list[_Row]]:
    """The rows of every measure split ``by``: a constant number of queries."""
    found = await _contacts(session, period, by)
    found["failed_transfer_share"] = await _failed_transfers(session, period, by)
    found["callback_on_time_share"] = await _commitments(session, period, now, by, callbacks=True)
    if by == "service":
        found["on_time_share"] = await _commitments(session, period, now, by, callbacks=False)
        found["escalation_within_norm_share"] = await _escalations(session, period, now)
        found["handoffs_per_dossier"], found["ping_pong_share"] = await _handoffs(session, period)
    found["satisfied_share"] = await _satisfied(session, period)
    return found


# ====================================================================== rows, totals and disclosure


def _measure(
    definition: TrendDefinition,
    by: Grouping,
    months: Sequence[date],
    found: Iterable[_Row],
    labels: Mapping[str, str],
) -> TrendMeasure:
    """Rows per group with a cell for every month, the total row and column for additive measures, and the
    withheld cells marked (``table_withheld``; primary only where units do not add up)."""
    counts: dict[str, dict[str, tuple[int, int]]] = {}
    for row in found:
        group = row.group if row.group is not None else NO_GROUP
        counts.setdefault(group, {})[row.month] = (int(row.count), int(row.n))
    keys = sorted(counts, key=_order(by, labels))
    grid = [[counts[key].get(month_key(month), (0, 0)) for month in months] for key in keys]
    kind = definition.kind

    def label(key: str) -> str:
        if key == MUNICIPALITY:
            return "Gemeente (alle diensten)" if definition.municipal else MUNICIPALITY_LABEL
        return NO_GROUP_LABELS[by] if key == NO_GROUP else labels.get(key, key)

    if not definition.additive:
        rows = tuple(
            TrendRow(
                key,
                label(key),
                tuple(TrendCell(m, c, n, kind, small(n)) for m, (c, n) in zip(months, line, strict=True)),
            )
            for key, line in zip(keys, grid, strict=True)
        )
        return TrendMeasure(definition, rows, by)
    withheld = table_withheld([[n for _, n in line] for line in grid])
    rows = tuple(
        TrendRow(
            key,
            label(key),
            tuple(
                TrendCell(m, c, n, kind, withheld.cells[i][j])
                for j, (m, (c, n)) in enumerate(zip(months, line, strict=True))
            ),
            TrendCell(None, sum(c for c, _ in line), sum(n for _, n in line), kind, withheld.rows[i]),
        )
        for i, (key, line) in enumerate(zip(keys, grid, strict=True))
    )
    if len(keys) > 1 and not definition.municipal:
        columns = [(sum(line[j][0] for line in grid), sum(line[j][1] for line in grid)) for j in range(len(months))]
        cells = tuple(
            TrendCell(m, c, n, kind, withheld.columns[j])
            for j, (m, (c, n)) in enumerate(zip(months, columns, strict=True))
        )
        grand = TrendCell(None, sum(c for c, _ in columns), sum(n for _, n in columns), kind, withheld.total)
        rows = (*rows, TrendRow(MUNICIPALITY, label(MUNICIPALITY), cells, grand))
    return TrendMeasure(definition, rows, by)


def _with_intervals(measures: Sequence[TrendMeasure]) -> tuple[TrendMeasure, ...]:
    """Every shown share with its 95% Wilson interval, from one vectorised call."""
    shown = [
        cell
        for measure in measures
        if measure.definition.kind == "share"
        for row in measure.rows
        for cell in (*row.cells, *((row.total,) if row.total else ()))
        if not cell.suppressed and cell.n
    ]
    intervals = dict(zip(map(id, shown), wilson_intervals([(cell.count, cell.n) for cell in shown]), strict=True))

    def cell(found: TrendCell) -> TrendCell:
        interval = intervals.get(id(found))
        return replace(found, interval=interval) if interval else found

    return tuple(
        replace(
            measure,
            rows=tuple(
                replace(row, cells=tuple(map(cell, row.cells)), total=cell(row.total) if row.total else None)
                for row in measure.rows
            ),
        )
        for measure in measures
    )


async def management_trends(session: AsyncSession, period: Period, now: datetime, by: Grouping = "service") -> Trends:
    """The trend measures split ``by`` per month of ``period``, judged at ``now`` (aware)."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}")
    await plan_with_parameter_values(session)
    found = await _found(session, period, now, by)
    labels = await _labels(session, by)
    months = tuple(period.months())
    measures = [_measure(d, by, months, found[d.code], labels) for d in definitions_for(by)]
    return Trends(period, by, months, _with_intervals(measures))
