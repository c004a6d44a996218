"""Residents' photos for the counter: uploaded by a warden, re-encoded, shown only to their mess's staff."""

from __future__ import annotations

import io
import warnings
from datetime import datetime

from PIL import Image, ImageOps
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from mess.auth.actor import Actor
from mess.errors import ErrorCode, InvalidInput, NotFound, TooLarge
from mess.models import ResidentPhoto
from mess.residents.service import load_resident

MAX_BYTES = 2 * 1024 * 1024
MAX_SIDE = 480  # plenty for a face at a counter; a re-encoded photo is ~30-60 kB
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding them
FORMATS = {"JPEG", "PNG"}


def reencode(data: bytes) -> tuple[bytes, int, int]:
    """A fresh JPEG of the picture (turned upright, at most MAX_SIDE): no EXIF, GPS, ICC or comment survives."""
    if len(data) > MAX_BYTES:
        raise TooLarge(f"a photo may be at most {MAX_BYTES // (1024 * 1024)} MB", ErrorCode.TOO_LARGE)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in FORMATS:
                raise InvalidInput("send a JPEG or PNG photo", field="photo")
            if image.width * image.height > MAX_PIXELS:
                raise InvalidInput("the photo has too many pixels", field="photo")
            image.load()
    except (OSError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise InvalidInput("send a JPEG or PNG photo (this file could not be read as one)", field="photo") from exc
    upright = ImageOps.exif_transpose(image).convert("RGB")
    upright.thumbnail((MAX_SIDE, MAX_SIDE))
    # Only the pixels go into a new image: Pillow would otherwise write the source's EXIF (info) back out.
    clean = Image.frombytes("RGB", upright.size, upright.tobytes())
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue(), clean.width, clean.height


async def put_photo(session: AsyncSession, actor: Actor, resident_id: int, data: bytes, now: datetime) -> ResidentPhoto:
    actor.require("warden", "admin")
    resident = await load_resident(session, actor, resident_id)
    image, width, height = reencode(data)
    await session.execute(delete(ResidentPhoto).where(ResidentPhoto.resident_id == resident.id))
    photo = ResidentPhoto(
        resident_id=resident.id, image=image, width=width, height=height, updated_at=now, updated_by=actor.user_id
    )
    session.add(photo)
    await session.flush()
    return photo


async def get_photo(session: AsyncSession, actor: Actor, resident_id: int) -> ResidentPhoto:
    """The photo, for staff and wardens of the resident's mess (and admins); residents never see photos here."""
    actor.require("staff", "warden", "admin")
    resident = await load_resident(session, actor, resident_id)
    found = (await session.execute(select(ResidentPhoto).where(ResidentPhoto.resident_id == resident_id))).scalar()
    if found is None:
        raise NotFound(f"{resident.name} has no photo")
    return found


async def has_photo(session: AsyncSession, resident_id: int) -> bool:
    query = select(ResidentPhoto.resident_id).where(ResidentPhoto.resident_id == resident_id)
    return (await session.execute(query)).first() is not None
