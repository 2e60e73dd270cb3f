"""``require_access`` (one statement, for a timeline page) decides access exactly as loading the whole dossier does."""

from __future__ import annotations

import pytest

from casemgmt.audit.services import AuditLog
from casemgmt.auth.passwords import Passwords
from casemgmt.auth.services import Accounts
from casemgmt.dossiers.access import NOT_INVOLVED, Access
from casemgmt.dossiers.services import DOSSIER_NOT_FOUND, DossierService
from casemgmt.errors import Forbidden, NotFound
from tests.worlds.casework import PERSONAS, Casework

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("persona", PERSONAS)
async def test_the_readers_access_is_the_one_the_whole_dossier_gives(db, world: Casework, persona: str) -> None:
    async with db() as session:
        actor = await Accounts(session, Passwords(cheap=True)).active_user(world.person(persona).id)
        assert actor is not None
        dossiers = DossierService(session, actor, AuditLog(session, actor))
        view = await dossiers.load(world.dossier_id)
        if view.access is Access.NONE:
            with pytest.raises(Forbidden, match=NOT_INVOLVED):
                await dossiers.require_access(world.dossier_id, Access.READ)
        else:
            assert await dossiers.require_access(world.dossier_id, Access.NONE) == view.reader_access
        assert view.reader_access.client_pseudonym == world.client_pseudonym


async def test_a_dossier_that_does_not_exist_is_not_found(db, world: Casework) -> None:
    async with db() as session:
        actor = await Accounts(session, Passwords(cheap=True)).active_user(world.admin.id)
        assert actor is not None
        with pytest.raises(NotFound, match=DOSSIER_NOT_FOUND):
            await DossierService(session, actor, AuditLog(session, actor)).require_access(
                world.dossier_id + 999, Access.READ
            )
