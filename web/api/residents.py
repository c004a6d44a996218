from __future__ import annotations

from typing import Annotated

from fastapi import BackgroundTasks, File, Query, Request, Response, UploadFile, status

from mess.accounts import service as accounts
from mess.residents import importer, rollover, service
from mess.residents.csv_rows import MAX_BYTES
from mess.residents.rollover import RolloverIn, RolloverOut
from mess.residents.schemas import ImportReport, ResidentCreate, ResidentOut, ResidentPatch, ResidentSearch
from web.api import api_router
from web.api.params import Flag, IdPath, IdQuery
from web.deps import ActorDep, NowDep, SessionDep, SettingsDep
from web.mailing import send_after_response
from web.openapi import MESS, RESIDENT, ROLE, E, errors

router = api_router(tags=["residents"])


@router.post(
    "/residents",
    response_model=ResidentOut,
    status_code=status.HTTP_201_CREATED,
    responses=errors(ROLE, MESS, E.ALREADY_EXISTS),
)
async def create_resident(data: ResidentCreate, session: SessionDep, actor: ActorDep, now: NowDep) -> ResidentOut:
    return await service.create_resident(session, actor, data, now)


@router.post(
    "/residents/import",
    response_model=ImportReport,
    # 413 too_large: over 5 MB or 20,000 rows, refused before it is read; 422 import_invalid: the report with
    # every bad row (nothing was written).
    responses=errors(ROLE, MESS, E.TOO_LARGE, E.IMPORT_INVALID),
)
async def import_residents(
    request: Request,
    background: BackgroundTasks,
    settings: SettingsDep,
    session: SessionDep,
    actor: ActorDep,
    now: NowDep,
    file: UploadFile = File(description="CSV, UTF-8, a header row: roll_no,name,email[,diet,active_from,...]"),
    dry_run: Flag = Query(False, description="report what would change, write nothing"),
    invite: Flag = Query(False, description="email the created residents a set-password link"),
    mess_id: IdQuery = None,
) -> ImportReport:
    """Upsert the mess's residents by roll number from a spreadsheet, all or nothing."""
    if file.size is not None and file.size > MAX_BYTES:  # refused by size alone; the upload is never read
        raise importer.too_large(f"the file is over {MAX_BYTES // (1024 * 1024)} MB; split it into smaller files")
    content = await file.read(MAX_BYTES + 1)
    outcome = await importer.import_residents(session, actor, content, now, mess_id=mess_id, dry_run=dry_run)
    if invite and outcome.created_user_ids:
        mails = await accounts.invites_for(session, settings, outcome.created_user_ids, now)
        send_after_response(background, request, mails)
    return outcome.report


@router.get("/residents", response_model=list[ResidentOut], responses=errors(ROLE, MESS))
async def list_residents(
    response: Response,
    session: SessionDep,
    actor: ActorDep,
    now: NowDep,
    search: Annotated[ResidentSearch, Query()],
) -> list[ResidentOut]:
    """A page of the mess's residents; the X-Total-Count header says how many match in all."""
    rows, total = await service.search_residents(session, actor, search, now)
    response.headers["X-Total-Count"] = str(total)
    return rows


@router.get(
    "/residents/export", response_class=Response, responses={200: {"content": {"text/csv": {}}}, **errors(ROLE, MESS)}
)
async def export_residents(
    session: SessionDep, actor: ActorDep, now: NowDep, search: Annotated[ResidentSearch, Query()]
) -> Response:
    """The matching residents as CSV in the import's columns; cells that a spreadsheet would run as a formula are
    written as text."""
    content = await service.export_csv(session, actor, search, now)
    headers = {"Content-Disposition": 'attachment; filename="residents.csv"'}
    return Response(content, media_type="text/csv; charset=utf-8", headers=headers)


# {resident_id:int}: /residents/import and the like are not ids; a path that is not a number is a 404 not_found.
@router.get("/residents/{resident_id:int}", response_model=ResidentOut, responses=errors(RESIDENT, E.NOT_FOUND))
async def get_resident(resident_id: IdPath, session: SessionDep, actor: ActorDep) -> ResidentOut:
    return await service.get_resident(session, actor, resident_id)


@router.patch(
    "/residents/{resident_id:int}",
    response_model=ResidentOut,
    responses=errors(ROLE, RESIDENT, E.INVALID_INPUT, E.NOT_FOUND),
)
async def update_resident(
    resident_id: IdPath, patch: ResidentPatch, session: SessionDep, actor: ActorDep
) -> ResidentOut:
    return await service.update_resident(session, actor, resident_id, patch)


@router.post("/residents/rollover", response_model=RolloverOut, responses=errors(ROLE, MESS, E.INVALID_INPUT))
async def rollover_residents(data: RolloverIn, session: SessionDep, actor: ActorDep, now: NowDep) -> RolloverOut:
    """Semester rollover: end the stay of the chosen residents on one date, or move new arrivals to another mess;
    one audited action. Residents it cannot change are listed with the reason; the others are changed."""
    return await rollover.rollover(session, actor, data, now)
