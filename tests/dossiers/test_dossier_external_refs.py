"""References of other systems on dossiers (issue 12): the API accepts them on opening and PATCH replaces them
(version checked), DossierOut shows them, the dossier page shows them in its header and lets the casemanager edit
them ("Kenmerken van andere systemen"); every change audited, bad input writes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casemgmt.audit.models import AuditEvent
from casemgmt.dossiers.models import Dossier
from casemgmt.references.models import ExternalReference
from tests.dossiers.test_dossier_api import new_dossier
from tests.dossiers.test_dossier_pages import post
from tests.worlds.casework import Casework, login_as

pytestmark = pytest.mark.anyio


async def stored_refs(db, dossier_id: int) -> list[str]:
    async with db() as s:
        return list(
            await s.scalars(
                select(ExternalReference.ref)
                .where(ExternalReference.record_type == "dossier", ExternalReference.record_id == dossier_id)
                .order_by(ExternalReference.id)
            )
        )


async def test_open_with_references_and_patch_replaces_them(client, db, world: Casework) -> None:
    w = world
    created = await client.post(
        "/api/v1/dossiers",
        json=new_dossier(w, external_refs=[" DB-2026-11873 ", "TV-2025-0418"]),
        headers=w.tokens["cm"],
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["external_refs"] == ["DB-2026-11873", "TV-2025-0418"]
    url = f"/api/v1/dossiers/{body['id']}"
    assert (await client.get(url, headers=w.tokens["cm"])).json()["external_refs"] == ["DB-2026-11873", "TV-2025-0418"]
    listed = await client.get("/api/v1/dossiers", headers=w.tokens["cm"])
    assert {d["id"]: d["external_refs"] for d in listed.json()}[body["id"]] == ["DB-2026-11873", "TV-2025-0418"]

    patched = await client.patch(url, json={"version": 1, "external_refs": ["Z-1"]}, headers=w.tokens["cm"])
    assert patched.status_code == 200, patched.text
    assert patched.json()["external_refs"] == ["Z-1"] and patched.json()["version"] == 2
    assert await stored_refs(db, body["id"]) == ["Z-1"]
    unchanged = await client.patch(url, json={"version": 2, "subject": "Nieuw onderwerp"}, headers=w.tokens["cm"])
    assert unchanged.json()["external_refs"] == ["Z-1"]  # left out: unchanged
    emptied = await client.patch(url, json={"version": 3, "external_refs": []}, headers=w.tokens["cm"])
    assert emptied.json()["external_refs"] == [] and await stored_refs(db, body["id"]) == []

    async with db() as s:
        events = list(
            await s.scalars(select(AuditEvent).where(AuditEvent.object_type == "dossier").order_by(AuditEvent.id))
        )
    details = [e.detail for e in events if e.action in ("create", "update")]
    assert details[0].endswith("; kenmerken 2") and "kenmerken (1)" in details[1] and "kenmerken (0)" in details[-1]
    assert all(e.client_pseudonym == w.client_pseudonym for e in events)


async def test_stale_version_and_bad_references_write_nothing(client, db, world: Casework) -> None:
    w = world
    url = f"/api/v1/dossiers/{w.dossier_id}"
    ok = await client.patch(url, json={"version": 1, "external_refs": ["A-1"]}, headers=w.tokens["cm"])
    assert ok.status_code == 200
    stale = await client.patch(url, json={"version": 1, "external_refs": ["B-2"]}, headers=w.tokens["cm"])
    assert stale.status_code == 409 and "laad opnieuw" in stale.json()["detail"]
    for refs in (["A-1", "A-1"], [""], ["x" * 65], ["a\nb"], [f"R-{n}" for n in range(21)]):
        bad = await client.patch(url, json={"version": 2, "external_refs": refs}, headers=w.tokens["cm"])
        assert bad.status_code == 422, (refs, bad.text)
        assert [e["field"] for e in bad.json()["extra"]] == ["external_refs"]
    refused = await client.post(
        "/api/v1/dossiers", json=new_dossier(w, external_refs=["A", "A"]), headers=w.tokens["cm"]
    )
    assert refused.status_code == 422 and "twee keer" in refused.json()["extra"][0]["message"]
    async with db() as s:
        assert (await s.get(Dossier, w.dossier_id)).version == 2
        assert len((await s.scalars(select(Dossier))).all()) == 1
    assert await stored_refs(db, w.dossier_id) == ["A-1"]
    readonly = await client.patch(url, json={"version": 2, "external_refs": ["C"]}, headers=w.tokens["kcc"])
    assert readonly.status_code == 403


async def test_the_casemanager_edits_references_on_the_dossier_page(client, db, world: Casework) -> None:
    w = world
    await login_as(client, w.cm)
    page = await client.get(f"/dossiers/{w.dossier_id}")
    assert f'href="/dossiers/{w.dossier_id}/formulier/external_refs"' in page.text  # the form loads when opened
    form = await client.get(f"/dossiers/{w.dossier_id}/formulier/external_refs", headers={"HX-Request": "true"})
    assert "Kenmerken van andere systemen" in form.text and f'action="/dossiers/{w.dossier_id}/kenmerken"' in form.text
    assert 'data-testid="kenmerken"' not in page.text  # none yet: no empty line in the header
    url = f"/dossiers/{w.dossier_id}/kenmerken"
    done = await post(client, url, {"version": 1, "external_refs": "DB-2026-11873\nTV-2025-0418, "})
    assert done.status_code == 303
    assert await stored_refs(db, w.dossier_id) == ["DB-2026-11873", "TV-2025-0418"]
    page = await client.get(f"/dossiers/{w.dossier_id}")
    header = page.text.split('data-testid="kenmerken"')[1].split("</dd>")[0]
    assert "DB-2026-11873" in header and "TV-2025-0418" in header
    assert "De kenmerken zijn gewijzigd." in page.text
    bad = await post(client, url, {"version": 2, "external_refs": "A\nA"})
    assert bad.status_code == 422 and "staat er twee keer in" in bad.text
    assert "A\nA" in bad.text  # what was typed stays in the box
    stale = await post(client, url, {"version": 1, "external_refs": "C"})
    assert stale.status_code == 409 and "Iemand anders heeft dit dossier intussen gewijzigd" in stale.text
    assert f'href="/dossiers/{w.dossier_id}" data-testid="laad-opnieuw">Laad opnieuw</a>' in stale.text
    assert await stored_refs(db, w.dossier_id) == ["DB-2026-11873", "TV-2025-0418"]
    await login_as(client, w.kcc)
    kcc_page = await client.get(f"/dossiers/{w.dossier_id}")
    assert "DB-2026-11873" in kcc_page.text and f'action="/dossiers/{w.dossier_id}/kenmerken"' not in kcc_page.text
    assert (await post(client, url, {"version": 2, "external_refs": "C"})).status_code == 403
