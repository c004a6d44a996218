"""The warden's resident import: upload (or paste) the office's spreadsheet, see what each row would do, fix, import."""

from __future__ import annotations

from typing import Any

from fastapi import BackgroundTasks, Request
from starlette.datastructures import UploadFile
from starlette.responses import Response

from mess.accounts import service as accounts
from mess.auth.actor import Actor
from mess.errors import InvalidInput
from mess.models import Mess
from mess.residents import importer
from mess.residents.csv_rows import MAX_BYTES
from web.deps import ActorDep, NowDep, SessionDep, SettingsDep
from web.mailing import send_after_response
from web.pages.deps import WardenMess
from web.pages.forms import Outcome, submit
from web.pages.rendering import page_router, render

router = page_router(tags=["pages"])
EDITABLE_BYTES = 900_000  # a form's text field holds at most ~1 MB; bigger files are chosen again to import
SHOWN_ROWS = 500


def _page(request: Request, actor: Actor, mess: Mess, status_code: int = 200, **extra: Any) -> Response:
    context = {"mess": mess, "plan": None, "csv_text": "", "invite": False, "shown_rows": SHOWN_ROWS, **extra}
    return render(request, "warden/import.html", context, actor=actor, status_code=status_code)


@router.get("/warden/residents/import")
async def import_form(request: Request, actor: ActorDep, mess: WardenMess) -> Response:
    return _page(request, actor, mess)


async def _content(request: Request) -> tuple[bytes, str]:
    """The uploaded file, or else the pasted/edited text; and the text to show for editing."""
    form = await request.form()
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        content = await upload.read(MAX_BYTES + 1)
        if content:
            shown = content.decode("utf-8-sig", "replace") if len(content) <= EDITABLE_BYTES else ""
            return content, shown
    pasted = form.get("csv_text")
    text = pasted.replace("\r\n", "\n") if isinstance(pasted, str) else ""
    return text.encode(), text


@router.post("/warden/residents/import")
async def preview_or_import(
    request: Request,
    background: BackgroundTasks,
    session: SessionDep,
    actor: ActorDep,
    mess: WardenMess,
    settings: SettingsDep,
    now: NowDep,
) -> Response:
    form = await request.form()
    content, shown = await _content(request)
    invite, importing = form.get("invite") == "1", form.get("step") == "import"
    context: dict[str, Any] = {"csv_text": shown, "invite": invite, "too_big_to_edit": not shown and bool(content)}
    plan: importer.ImportPlan | None = None

    async def action() -> str:
        nonlocal plan
        if not content.strip():
            raise InvalidInput("Choose the spreadsheet (CSV) or paste its rows first.")
        if not importing:
            plan = await importer.plan_import(session, actor, content, now)
            return ""
        outcome = await importer.import_residents(session, actor, content, now)
        report = outcome.report
        notice = f"Imported: {report.created} new, {report.updated} updated, {report.unchanged} unchanged."
        if invite and outcome.created_user_ids:
            mails = await accounts.invites_for(session, settings, outcome.created_user_ids, now)
            send_after_response(background, request, mails)
            notice += f" {len(mails)} invitation emails are on their way."
        return notice

    async def page(shown: Outcome) -> Response:
        refused = shown.error
        plan_shown = plan
        if refused is not None and importing and refused.status_code == 422 and content.strip():
            plan_shown = await importer.plan_import(session, actor, content, now)  # each row's problem
        extra = {"error": refused.message} if refused else {"notice": shown.notice or None}
        return _page(request, actor, mess, shown.status_code, plan=plan_shown, **extra, **context)

    # A plain multipart post (a file upload): the preview, or a refused import, is the page again with its rows;
    # an import done goes on to the residents with its notice.
    return await submit(
        request,
        session,
        action,
        page,
        back=lambda shown: "/warden/residents" if importing and not shown.error else None,
    )
