"""Flags on a knowledge article: ``POST /api/v1/articles/{id}/flags`` and ``…/flags/{flag_id}/resolve``, and the
article page's flag section (``/kennisbank/{id}/meldingen``: the form "Klopt niet / Onduidelijk / Ontbreekt" for
every employee, the open flags with their resolve form for who handles them)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, JSONBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from casemgmt.auth.guards import requires_employee
from casemgmt.errors import InvalidInput
from casemgmt.knowledge.flag_dependencies import Flags
from casemgmt.knowledge.flag_schemas import FlagIn, FlagOut, FlagResolution
from casemgmt.knowledge.flags import FlagService
from casemgmt.knowledge.rules import FLAG_LABELS, FlagKind
from casemgmt.web.forms import FormData
from casemgmt.web.openapi import CONFLICT
from casemgmt.web.pages import page_or_fragment, wants_fragment
from casemgmt.web.routes import page_form

TAGS = ["kennisbank"]
KIND_CHOICES = [(kind.value, FLAG_LABELS[kind].capitalize()) for kind in FlagKind]
"""The form's choices: "Klopt niet", "Onduidelijk", "Ontbreekt"."""


# -- API --------------------------------------------------------------------------------------------------------


@post(
    "/api/v1/articles/{article_id:int}/flags",
    tags=TAGS,
    guards=[requires_employee],
    summary="Flag an article's current version as wrong, unclear or missing something",
    status_code=201,
    responses=CONFLICT,
)
async def api_flag(article_id: FromPath[int], data: JSONBody[FlagIn], flags: Flags) -> FlagOut:
    return FlagOut.of(await flags.raise_flag(article_id, kind=data.kind, note=data.note))


@post(
    "/api/v1/articles/{article_id:int}/flags/{flag_id:int}/resolve",
    tags=TAGS,
    guards=[requires_employee],
    summary="Resolve an open flag with a note (the owner or an accountmanager of the article's service)",
    status_code=200,
    responses=CONFLICT,
)
async def api_resolve(
    article_id: FromPath[int], flag_id: FromPath[int], data: JSONBody[FlagResolution], flags: Flags
) -> FlagOut:
    return FlagOut.of(await flags.resolve(article_id, flag_id, resolution=data.resolution))


# -- pages ------------------------------------------------------------------------------------------------------


async def flag_section(flags: FlagService, article_id: int) -> dict[str, Any]:
    """The flag section as the article page renders it in place: the empty form and, for who handles them, the
    open flags."""
    return await _context(flags, article_id)


async def _context(
    flags: FlagService,
    article_id: int,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    resolving: int | None = None,
    message: str = "",
) -> dict[str, Any]:
    """The flag section's context (``knowledge/_flag_panel.html``): the form as entered, its errors, a message."""
    panel = await flags.panel(article_id)
    return {
        "panel": panel,
        "article": panel.article,
        "kind_choices": KIND_CHOICES,
        "flag_form": form or {"kind": "", "note": ""},
        "flag_errors": errors if resolving is None else {},
        "resolve_errors": (errors or {}) if resolving is not None else {},
        "resolving": resolving,
        "flag_message": message,
    }


@get(
    "/kennisbank/{article_id:int}/meldingen",
    name="knowledge.flags",
    guards=[requires_employee],
    include_in_schema=False,
)
async def flags_page(request: Request[Any, Any, Any], article_id: FromPath[int], flags: Flags) -> Template:
    """The flag section of an article (htmx loads it into the article page), or a page of its own without
    JavaScript."""
    context = await _context(flags, article_id)
    return page_or_fragment(request, "knowledge/flags.html", "knowledge/_flag_panel.html", context)


@page_form("/kennisbank/{article_id:int}/meldingen", "knowledge.flag")
async def flag_article(
    request: Request[Any, Any, Any], article_id: FromPath[int], flags: Flags, data: FormData
) -> Template | Redirect:
    form = {"kind": data.get("kind", ""), "note": data.get("note", "")}
    try:
        await flags.raise_flag(article_id, kind=form["kind"], note=form["note"])
    except InvalidInput as exc:
        await flags.session.rollback()
        context = await _context(flags, article_id, form=form, errors=exc.by_field())
        return page_or_fragment(request, "knowledge/flags.html", "knowledge/_flag_panel.html", context, status_code=422)
    text = "Dank u. De eigenaar van het artikel heeft uw melding gekregen."
    if wants_fragment(request):
        return Template("knowledge/_flag_panel.html", context=await _context(flags, article_id, message=text))
    flash(request, text, category="success")
    return Redirect(f"/kennisbank/{article_id}", status_code=303)


@page_form("/kennisbank/{article_id:int}/meldingen/{flag_id:int}/afhandelen", "knowledge.resolve")
async def resolve_flag(
    request: Request[Any, Any, Any], article_id: FromPath[int], flag_id: FromPath[int], flags: Flags, data: FormData
) -> Template | Redirect:
    try:
        await flags.resolve(article_id, flag_id, resolution=data.get("resolution", ""))
    except InvalidInput as exc:
        await flags.session.rollback()
        context = await _context(flags, article_id, errors=exc.by_field(), resolving=flag_id)
        return page_or_fragment(request, "knowledge/flags.html", "knowledge/_flag_panel.html", context, status_code=422)
    text = "De melding is afgehandeld."
    if wants_fragment(request):
        return Template("knowledge/_flag_panel.html", context=await _context(flags, article_id, message=text))
    flash(request, text, category="success")
    return Redirect(f"/kennisbank/{article_id}/meldingen", status_code=303)


PAGE_HANDLERS: list[Any] = [flags_page, flag_article, resolve_flag]
API_HANDLERS: list[Any] = [api_flag, api_resolve]
