"""The kennisbank's rules, without HTTP or a database: limits, the states an article passes through, the kinds of
flag an agent can raise, the validation of texts, publishing and withdrawing, the Dutch text processing of search
(folding diacritics, stop words, Snowball stems, the nearest indexed term for a misspelling, the highlighted
passage) and the simple formatting of article texts, rendered safely."""

from __future__ import annotations

import difflib
import functools
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import snowballstemmer
from markupsafe import Markup, escape

from casemgmt.errors import FieldError, InvalidInput, too_long

MAX_QUESTION = 300
MAX_ANSWER = 8000
MAX_NEXT_STEPS = 2000
MAX_REASON = 1000
MAX_FLAG_NOTE = 1000
MAX_CHANGE = 300
MAX_QUERY = 200
REVIEW_MONTHS = 6


class ArticleStatus(StrEnum):
    """``draft`` (concept) → ``published`` (gepubliceerd) → ``expired`` (verlopen); ``withdrawn`` (ingetrokken), with
    a reason, ends an article's life: articles are never deleted."""

    DRAFT = "draft"
    PUBLISHED = "published"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


STATUS_LABELS: dict[ArticleStatus, str] = {
    ArticleStatus.DRAFT: "concept",
    ArticleStatus.PUBLISHED: "gepubliceerd",
    ArticleStatus.EXPIRED: "verlopen",
    ArticleStatus.WITHDRAWN: "ingetrokken",
}


class FlagKind(StrEnum):
    """What an agent says is wrong with an article: ``wrong`` (klopt niet), ``unclear`` (onduidelijk), ``missing``
    (ontbreekt)."""

    WRONG = "wrong"
    UNCLEAR = "unclear"
    MISSING = "missing"


FLAG_LABELS: dict[FlagKind, str] = {
    FlagKind.WRONG: "klopt niet",
    FlagKind.UNCLEAR: "onduidelijk",
    FlagKind.MISSING: "ontbreekt",
}


def default_review_due(today: date) -> date:
    """The review date of an article written or published ``today``: ``REVIEW_MONTHS`` months on (the last day of
    the month where the month is shorter)."""
    month = today.month - 1 + REVIEW_MONTHS
    year, month = today.year + month // 12, month % 12 + 1
    for day in (today.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    return today + timedelta(days=182)  # pragma: no cover - every month has a 28th


# -- statuses, validation -------------------------------------------------------------------------------------------

STATUS_BY_WORD: dict[str, ArticleStatus] = {
    **{status.value: status for status in ArticleStatus},
    **{label: status for status, label in STATUS_LABELS.items()},
}
"""A status filter as the API and the pages accept it: the English code or the Dutch label."""

REVIEW_LABEL = "controleren"
"""What a published article past its review date shows."""


def parse_status(value: str | None, field: str = "status") -> ArticleStatus | None:
    """The status a filter names (``published`` or ``gepubliceerd``; case and spaces ignored); ``None`` for none;
    422 for a word that names none."""
    if value is None or not value.strip():
        return None
    status = STATUS_BY_WORD.get(value.strip().lower())
    if status is None:
        choices = ", ".join(f"{s.value} ({STATUS_LABELS[s]})" for s in ArticleStatus)
        raise InvalidInput.single(field, f"Onbekende status '{value[:40]}'; kies uit {choices}")
    return status


def needs_review(status: str, review_due: date | None, today: date) -> bool:
    """A published article whose review date has passed shows "controleren" and lands on its owner's Werkvoorraad
    until it is reviewed (edited, or published again with a new date) or expires."""
    return status == ArticleStatus.PUBLISHED and review_due is not None and review_due < today


@dataclass(frozen=True)
class ArticleText:
    question: str
    answer: str
    next_steps: str


def validate_text(question: str, answer: str, next_steps: str) -> ArticleText:
    """The texts of an article, stripped; 422 for an empty question or a text beyond its limit. HTML or script is
    not refused: it is stored as text and always shown escaped (``format_text``)."""
    question, answer, next_steps = question.strip(), answer.strip(), next_steps.strip()
    errors: list[FieldError] = []
    if not question:
        errors.append(FieldError("question", "Vul de vraag in zoals inwoners die stellen"))
    errors += too_long("question", "De vraag", question, MAX_QUESTION)
    errors += too_long("answer", "Het antwoord", answer, MAX_ANSWER)
    errors += too_long("next_steps", "De vervolgstappen", next_steps, MAX_NEXT_STEPS)
    if errors:
        raise InvalidInput(errors)
    return ArticleText(question, answer, next_steps)


def validate_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise InvalidInput.single("reason", "Geef een reden waarom het artikel wordt ingetrokken")
    if problems := too_long("reason", "De reden", reason, MAX_REASON):
        raise InvalidInput(problems)
    return reason


def publish_refusals(status: str, answer: str, owner_is_accountmanager: bool | None) -> list[FieldError]:
    """Why an article cannot be published (none when it can): it must not be withdrawn, must have an answer and an
    owner who is an accountmanager of its service (``None``: no owner at all)."""
    errors: list[FieldError] = []
    if status == ArticleStatus.WITHDRAWN:
        errors.append(FieldError("status", "Een ingetrokken artikel kan niet meer worden gepubliceerd"))
    if not answer.strip():
        errors.append(FieldError("answer", "Een artikel zonder antwoord kan niet worden gepubliceerd"))
    if owner_is_accountmanager is None:
        errors.append(FieldError("owner_id", "Kies een eigenaar: een accountmanager van de dienst"))
    elif not owner_is_accountmanager:
        errors.append(FieldError("owner_id", "De eigenaar moet een accountmanager van de dienst zijn"))
    return errors


def changed_fields(before: ArticleText, after: ArticleText, labels: dict[str, str] | None = None) -> list[str]:
    """The Dutch names of the texts that differ, for a version's "what changed"."""
    names = labels or {"question": "vraag", "answer": "antwoord", "next_steps": "vervolgstappen"}
    return [label for key, label in names.items() if getattr(before, key) != getattr(after, key)]


def change_summary(parts: list[str], fallback: str) -> str:
    """A version's "what changed": the parts joined ("vraag, antwoord gewijzigd"), or ``fallback``; cut to
    ``MAX_CHANGE``."""
    text = f"{', '.join(parts)} gewijzigd" if parts else fallback
    return text[:MAX_CHANGE]


# -- Dutch text for search --------------------------------------------------------------------------------------

DUTCH_STOP_WORDS = frozenset(
    """de en van ik te dat die in een hij het niet zijn is was op aan met als voor had er maar om hem dan zou of wat
    mijn men dit zo door over ze zich bij ook tot je mij uit der daar haar naar heb hoe heeft hebben deze u want nog
    zal me zij nu ge geen omdat iets worden toch al waren veel meer doen toen moet ben zonder kan hun dus alles onder
    ja eens hier wie werd altijd doch wordt wezen kunnen ons zelf tegen na reeds wil kon niets uw iemand geweest
    andere""".split()
)
"""The Snowball Dutch stop words, the list PostgreSQL's ``dutch`` configuration drops, so both databases ignore the
same words."""

MAX_TERMS = 12
"""At most this many words of a query are searched."""

_WORD = re.compile(r"\w+", re.UNICODE)
_stemmer = snowballstemmer.stemmer("dutch_porter")
"""The original Snowball Dutch (Porter) stemmer, the algorithm PostgreSQL's ``dutch`` configuration uses: both
databases reduce "paspoorten" to "paspoort" and "parkeervergunningen" to "parkeervergunn"."""


def fold(text: str) -> str:
    """Lower case without diacritics ("één" → "een", "geïnd" → "geind"): what is indexed and searched."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    """The folded words of a text (letters and digits)."""
    return [word.replace("_", "") for word in _WORD.findall(fold(text)) if word.replace("_", "")]


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball Dutch (Porter) stem of a folded word (cached: a kennisbank's vocabulary is small)."""
    return str(_stemmer.stemWord(word))


def stems(text: str) -> list[str]:
    """The stems of a text's words without the stop words, in order: the text SQLite's FTS5 index holds."""
    return [stem(word) for word in words(text) if word not in DUTCH_STOP_WORDS]


@dataclass(frozen=True)
class SearchTerms:
    """A query as searched: the folded words (stop words dropped), their stems, and whether the last one is still
    being typed (no space after it), so it matches as a prefix."""

    words: tuple[str, ...]
    stems: tuple[str, ...]
    prefix_last: bool

    def __bool__(self) -> bool:
        return bool(self.words)


def validate_query(q: str) -> str:
    """422 for a query beyond ``MAX_QUERY`` characters (the API); the pages cut it instead."""
    if problems := too_long("q", "De zoekvraag", q, MAX_QUERY):
        raise InvalidInput(problems)
    return q


def search_terms(q: str) -> SearchTerms:
    """The words a query searches: at most ``MAX_TERMS``, stop words dropped, each once. Never fails: an empty or
    punctuation-only query has no terms."""
    found: list[str] = []
    for word in words(q[: MAX_QUERY * 5]):
        if word not in DUTCH_STOP_WORDS and word not in found and len(word) <= 60:
            found.append(word)
    found = found[:MAX_TERMS]
    typing = bool(found) and not q[-1:].isspace() and words(q)[-1:] == found[-1:]
    return SearchTerms(tuple(found), tuple(stem(word) for word in found), typing)


def closest_term(stem_: str, vocabulary: list[str]) -> str | None:
    """The indexed stem nearest a misspelt one ("buitenlnd" → "buitenland"), or ``None`` when nothing is close."""
    if len(stem_) < 3:
        return None
    candidates = [term for term in vocabulary if abs(len(term) - len(stem_)) <= 3]
    best = difflib.get_close_matches(stem_, candidates, n=1, cutoff=0.75)
    return best[0] if best else None


def matches(word: str, terms: SearchTerms) -> bool:
    """Whether a folded word of the text is one the query searched (same stem, or the prefix being typed)."""
    if word in DUTCH_STOP_WORDS:
        return False
    word_stem = stem(word)
    if word_stem in terms.stems:
        return True
    return terms.prefix_last and len(terms.stems[-1]) >= 2 and word_stem.startswith(terms.stems[-1])


QUESTION_WEIGHT = 5.0
BM25_K1, BM25_B, BM25_AVERAGE_LENGTH = 1.2, 0.75, 150.0


@dataclass(frozen=True)
class Candidate:
    """An article the database matched, as the shared ranking reads it: its folded question and body words."""

    key: int
    question_words: tuple[str, ...]
    body_words: tuple[str, ...]


def _counts(words_: tuple[str, ...], wanted: list[tuple[str, bool]]) -> list[int]:
    found = [0] * len(wanted)
    for word in words_:
        if word in DUTCH_STOP_WORDS:
            continue
        word_stem = stem(word)
        for index, (term, prefix) in enumerate(wanted):
            if word_stem == term or (prefix and word_stem.startswith(term)):
                found[index] += 1
    return found


def rank(candidates: list[Candidate], terms: SearchTerms, replaced: tuple[str | None, ...]) -> dict[int, float]:
    """One BM25F score per candidate, computed the same way whatever database matched them, so both databases put
    the same articles on top: a question word counts ``QUESTION_WEIGHT`` times a body word; a term's weight (idf)
    comes from how many candidates hold it."""
    wanted = [
        (replaced[i] or term, replaced[i] is None and terms.prefix_last and i == len(terms.stems) - 1)
        for i, term in enumerate(terms.stems)
    ]
    counted = []
    for candidate in candidates:
        in_question = _counts(candidate.question_words, wanted)
        in_body = _counts(candidate.body_words, wanted)
        length = QUESTION_WEIGHT * len(candidate.question_words) + len(candidate.body_words)
        counted.append((candidate.key, [QUESTION_WEIGHT * q + b for q, b in zip(in_question, in_body)], length))
    total = len(candidates)
    holding = [sum(1 for _, tfs, _ in counted if tfs[i] > 0) for i in range(len(wanted))]
    idf = [math.log(1 + (total - df + 0.5) / (df + 0.5)) for df in holding]
    scores: dict[int, float] = {}
    for key, tfs, length in counted:
        norm = BM25_K1 * (1 - BM25_B + BM25_B * length / BM25_AVERAGE_LENGTH)
        scores[key] = sum(idf[i] * tf * (BM25_K1 + 1) / (tf + norm) for i, tf in enumerate(tfs) if tf > 0)
    return scores


PASSAGE_WORDS = 30


def highlight(text: str, terms: SearchTerms, extra_stems: tuple[str, ...] = ()) -> list[tuple[str, bool]]:
    """The passage of ``text`` (about ``PASSAGE_WORDS`` words) with the most words the query searched, as parts
    (text, matched): the template escapes each part and marks the matched ones. The passage starts at a sentence
    where one is near; "…" marks a cut."""
    if not text.strip():
        return []
    wanted = SearchTerms(terms.words, terms.stems + extra_stems, terms.prefix_last)
    tokens = [(m.start(), m.end(), matches(fold(m.group()), wanted) if wanted else False) for m in _WORD.finditer(text)]
    if not tokens:
        return [(text[:300], False)]
    best, best_hits = 0, -1
    for start in range(len(tokens)):
        hits = sum(1 for token in tokens[start : start + PASSAGE_WORDS] if token[2])
        if hits > best_hits:
            best, best_hits = start, hits
        if start + PASSAGE_WORDS >= len(tokens):
            break
    # Step back to the start of the sentence when it is a few words before the first match.
    first = best
    for back in range(best, max(best - 8, 0) - 1, -1):
        if back == 0 or text[tokens[back - 1][1] : tokens[back][0]].strip().endswith((".", "!", "?", ":")):
            first = back
            break
    window = tokens[first : first + PASSAGE_WORDS]
    start, end = window[0][0] if first else 0, window[-1][1]
    following = _WORD.search(text, end)
    if following is None:  # the last word: keep the closing punctuation
        end = len(text.rstrip())
    elif text[end : following.start()].strip():  # up to the punctuation before the next word
        end = end + len(text[end : following.start()].rstrip())
    parts: list[tuple[str, bool]] = [("…", False)] if first else []
    position = start
    for token_start, token_end, hit in window:
        if hit:
            if token_start > position:
                parts.append((text[position:token_start], False))
            parts.append((text[token_start:token_end], True))
            position = token_end
    if end > position:
        parts.append((text[position:end], False))
    if following is not None:
        parts.append((" …", False))
    return parts


def excerpt(text: str, limit: int = 200) -> str:
    """The start of an answer, on one line, cut at a word with "…"."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0] + "…"


# -- simple formatting, rendered safely -----------------------------------------------------------------------

_LINK = re.compile(r"https://[^\s<>\"']+[^\s<>\"'.,;:!?)]")


def _linked(line: str) -> str:
    """One escaped line with its bare https links made links (the link text and address are escaped too)."""
    out, position = [], 0
    for match in _LINK.finditer(line):
        out.append(str(escape(line[position : match.start()])))
        url = escape(match.group())
        out.append(f'<a class="utrecht-link" href="{url}" rel="noopener noreferrer">{url}</a>')
        position = match.end()
    out.append(str(escape(line[position:])))
    return "".join(out)


def format_text(text: str) -> Markup:
    """An article text as safe HTML: paragraphs at blank lines, lines starting with "- " as a list, bare https
    links as links. Every character of the text is escaped first, so HTML or script typed in shows as text."""
    blocks: list[str] = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()):
        lines = [line.rstrip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        paragraph: list[str] = []
        items: list[str] = []

        def flush() -> None:
            if paragraph:
                blocks.append('<p class="utrecht-paragraph">' + "<br>".join(paragraph) + "</p>")
                paragraph.clear()
            if items:
                lis = "".join(f'<li class="utrecht-unordered-list__item">{item}</li>' for item in items)
                blocks.append(f'<ul class="utrecht-unordered-list">{lis}</ul>')
                items.clear()

        for line in lines:
            stripped = line.strip()
            if stripped.startswith(("- ", "* ")):
                if paragraph:
                    flush()
                items.append(_linked(stripped[2:].strip()))
            else:
                if items:
                    flush()
                paragraph.append(_linked(stripped))
        flush()
    return Markup("".join(blocks))  # noqa: S704 (built from escaped parts only)


LIMITS = {
    "question": MAX_QUESTION,
    "answer": MAX_ANSWER,
    "next_steps": MAX_NEXT_STEPS,
    "reason": MAX_REASON,
    "q": MAX_QUERY,
}
"""The text limits the kennisbank's forms show as ``maxlength`` (``limits.knowledge`` in templates)."""
