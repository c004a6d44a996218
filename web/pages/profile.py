"""The resident's profile: who they are to the mess (read-only: the warden keeps it), their phone and allergens
(PRODUCT 7.3), a link to change the password, and the notification settings (block `notification_prefs` of
resident/profile.html: it shows resident/_notification_preferences.html when the context has `preferences`)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from mess.allergens import service as allergens
from mess.allergens.schemas import ProfilePatch
from mess.auth.actor import Actor
from mess.kit.allergens import ALLERGENS
from mess.models import Mess
from mess.notifications import service as notifications
from mess.residents.service import get_resident
from web.deps import ActorDep, SessionDep
from web.pages.deps import ResidentMess
from web.pages.forms import Outcome, form_of, parse_form, submit
from web.pages.rendering import page_router, render

router = page_router(tags=["pages"])

# What each allergen means to someone ticking a box (the API keeps the codes).
ALLERGEN_LABELS = {
    "gluten": "Gluten (wheat, barley, rye)",
    "dairy": "Dairy (milk, curd, paneer, ghee)",
    "nuts": "Tree nuts (cashew, almond, walnut)",
    "peanuts": "Peanuts",
    "egg": "Egg",
    "soy": "Soy",
    "fish": "Fish",
    "shellfish": "Shellfish (prawn, crab)",
    "sesame": "Sesame (til)",
    "mustard": "Mustard",
}


async def _profile_page(request: Request, session: AsyncSession, actor: Actor, mess: Mess, **extra: Any) -> Response:
    resident = await get_resident(session, actor, actor.own_resident_id())
    typed = extra.pop("values", None)
    context = {
        "mess": mess,
        "resident": resident,
        "allergens": [(code, ALLERGEN_LABELS[code]) for code in ALLERGENS],
        "chosen": set(resident.allergens) if typed is None else {k for k in ALLERGENS if typed.get(f"a_{k}")},
        "profile_values": typed or {"phone": resident.phone or ""},
        **extra,
    }
    # The notification settings (h16b's include; its form posts to /me/notifications).
    preferences = await notifications.preferences(session, actor)
    context["preferences"] = preferences
    context["values"] = {"quiet_start": preferences.quiet_start or "", "quiet_end": preferences.quiet_end or ""}
    return render(request, "resident/profile.html", context, actor=actor, status_code=extra.get("status_code", 200))


@router.get("/me/profile")
async def my_profile(request: Request, session: SessionDep, actor: ActorDep, mess: ResidentMess) -> Response:
    return await _profile_page(request, session, actor, mess)


@router.post("/me/profile")
async def save_profile(request: Request, session: SessionDep, actor: ActorDep, mess: ResidentMess) -> Response:
    form = await form_of(request)

    async def action() -> str:
        patch = parse_form(ProfilePatch, {"phone": form.get("phone", "")})
        chosen = [code for code in ALLERGENS if form.get(f"a_{code}")]
        patch = ProfilePatch.model_validate({"phone": patch.phone or "", "allergens": chosen})
        saved = await allergens.update_own_profile(session, actor, patch)
        if saved.allergens:
            return f"Saved. Dishes with {', '.join(saved.allergens)} are marked on your week."
        return "Saved. You avoid no allergens."

    async def page(shown: Outcome) -> Response:
        return await _profile_page(request, session, actor, mess, **shown.context)

    return await submit(request, session, action, page, back="/me/profile")
