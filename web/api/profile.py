from __future__ import annotations

from mess.allergens import service
from mess.allergens.schemas import ProfilePatch
from mess.residents.schemas import ResidentOut
from web.api import api_router
from web.deps import ActorDep, SessionDep
from web.openapi import ROLE, E, errors

router = api_router(tags=["residents"])


@router.patch("/me/profile", response_model=ResidentOut, responses=errors(ROLE, E.UNKNOWN_RESIDENT, E.WRONG_MESS))
async def update_profile(patch: ProfilePatch, session: SessionDep, actor: ActorDep) -> ResidentOut:
    """A resident's own phone and allergens (PRODUCT 7.3); the warden changes the rest with PATCH /residents/{id}."""
    return await service.update_own_profile(session, actor, patch)
