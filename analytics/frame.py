"""What every page does first: find the database, sign the visitor in with the web app's accounts, refuse
anyone who is not a warden or an admin, and draw the filters. Pages then only ask for their report."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

import pandas as pd
import streamlit as st
from sqlalchemy.ext.asyncio import AsyncSession

from analytics import runtime
from mess import text
from mess.auth.actor import Actor
from mess.auth.tokens import issue_access_token, read_access_token
from mess.config import Settings, get_settings
from mess.errors import MessError
from mess.kit.clock import get_clock
from mess.kit.dates import local_today
from mess.kit.spreadsheet import csv_text
from mess.messes.repository import list_messes, list_slots
from mess.messes.service import load_mess
from mess.reports.scope import DEFAULT_DAYS, ReportParams
from mess.users.service import authenticate

T = TypeVar("T")

SESSION_COOKIE = "mess_session"  # the web app's session cookie: same signed token, same accounts
# Session-state keys. Only this app's code writes them (a browser cannot), so tests may set them before a run.
SETTINGS_KEY = "mess_settings"
NOW_KEY = "mess_now"
TOKEN_KEY = "mess_token"  # nosec B105 - the name of a session-state key, not a secret
ALL_SLOTS = "All slots"


def settings() -> Settings:
    injected = st.session_state.get(SETTINGS_KEY)
    return injected if isinstance(injected, Settings) else get_settings()


def now() -> datetime:
    injected = st.session_state.get(NOW_KEY)
    return injected if isinstance(injected, datetime) else get_clock().now()


@dataclass(frozen=True)
class PageContext:
    actor: Actor
    params: ReportParams
    now: datetime
    currency: str
    settings: Settings

    def report(self, query: Callable[[AsyncSession, Actor, ReportParams, datetime], Awaitable[T]]) -> T:
        """Run one report query on the read-only session; a domain error becomes a message and stops the page."""
        database = runtime.database_for(self.settings)

        async def read() -> T:
            async with database.read_only() as session:
                return await query(session, self.actor, self.params, self.now)

        try:
            return runtime.run(read())
        except MessError as exc:
            st.error(exc.message)
            st.stop()
            raise  # st.stop() raises; this keeps type checkers honest

    def money(self, amount: int | None) -> str:
        return "—" if amount is None else text.money(amount, self.currency)


def _read_only(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    database = runtime.database_for(settings)

    async def read() -> T:
        async with database.read_only() as session:
            return await work(session)

    return runtime.run(read())


def _cookie_token() -> str | None:
    try:
        value = st.context.cookies.get(SESSION_COOKIE)
    except Exception:
        return None
    return value if isinstance(value, str) and value else None


def _client_address() -> str:
    """The visitor's address for the sign-in rate limit (per login and address), as the web app counts it."""
    try:
        value = st.context.ip_address
    except Exception:  # no request behind this run (bare or test mode)
        value = None
    return value[:64] if isinstance(value, str) and value else "analytics"


def _signed_in_actor(config: Settings, at: datetime) -> Actor | None:
    """The web app's session cookie (same domain behind the ingress) or the token of this app's sign-in form."""
    token = _cookie_token() or st.session_state.get(TOKEN_KEY)
    if not isinstance(token, str) or not token:
        return None
    try:
        return read_access_token(token, config.secret_key.get_secret_value(), at)
    except MessError:
        st.session_state.pop(TOKEN_KEY, None)
        st.info("Your session has ended; sign in again.")
        return None


def _sign_in_form(config: Settings, at: datetime) -> None:
    st.title("Mess analytics")
    st.write("Sign in with your warden or admin account (the same one as the mess web app).")
    with st.form("sign_in"):
        login = st.text_input("Login", key="login")
        password = st.text_input("Password", type="password", key="password")
        submitted = st.form_submit_button("Sign in")
    if not submitted:
        return
    if not login or not password:
        st.error("Enter your login and password.")
        return
    address = _client_address()
    try:
        actor = runtime.run(authenticate(runtime.database_for(config), config, login, password, address, at))
    except MessError as exc:
        st.error(exc.message)
        return
    secret = config.secret_key.get_secret_value()
    st.session_state[TOKEN_KEY] = issue_access_token(actor, secret, at, config.access_token_minutes)
    st.rerun()


def _sign_out() -> None:
    st.session_state.pop(TOKEN_KEY, None)


def open_page(title: str, *, date_range: bool = True, slot_filter: bool = True) -> PageContext:
    """Sign-in, role check, filters. Stops the script (shows a prompt or a refusal, no data) when not allowed."""
    config = settings()
    at = now()
    actor = _signed_in_actor(config, at)
    if actor is None:
        _sign_in_form(config, at)
        st.stop()
    if not actor.is_manager:
        st.title("Mess analytics")
        st.error("Analytics is for wardens and admins. Your account cannot see these reports.")
        st.sidebar.button("Sign out", on_click=_sign_out)
        st.stop()

    sidebar = st.sidebar
    sidebar.markdown(f"Signed in as {actor.name or actor.login} ({actor.role})")
    sidebar.button("Sign out", on_click=_sign_out)
    if actor.is_admin:
        messes = _read_only(config, lambda s: list_messes(s))
        if not messes:
            st.title(title)
            st.info("There is no mess yet.")
            st.stop()
        names = {m.id: f"{m.name} ({m.code})" for m in messes}
        chosen_mess: int | None = sidebar.selectbox("Mess", list(names), format_func=lambda i: names[i], key="mess_id")
    else:
        chosen_mess = actor.mess_id
    mess_id = int(chosen_mess or 0)

    async def mess_and_slots(session: AsyncSession) -> tuple[Any, list[str]]:
        mess = await load_mess(session, mess_id)
        return mess, [s.code for s in await list_slots(session, mess.id)]

    mess, slot_codes = _read_only(config, mess_and_slots)
    today = local_today(at, mess.timezone)
    start: date | None = None
    end: date | None = None
    if date_range:
        chosen = sidebar.date_input(
            "Dates", value=(today - timedelta(days=DEFAULT_DAYS - 1), today), max_value=today, key="dates"
        )
        picked = list(chosen) if isinstance(chosen, tuple | list) else [chosen]
        start, end = (picked[0], picked[-1]) if picked else (None, None)
    slot: str | None = None
    if slot_filter and slot_codes:
        choice = sidebar.selectbox("Slot", [ALL_SLOTS, *slot_codes], key="slot")
        slot = None if choice == ALL_SLOTS else choice
    st.title(title)
    st.markdown(f"{mess.name} ({mess.code})")
    params = ReportParams(start=start, end=end, slot=slot, mess_id=mess.id if actor.is_admin else None)
    return PageContext(actor, params, at, mess.currency, config)


# What a column or a measure is called on a page (a chart's axis and legend, a table's header, a CSV's header).
LABELS = {
    "date": "Date",
    "day": "Date",
    "slot": "Meal",
    "residents": "Residents",
    "booked": "Booked",
    "guests": "Guests",
    "on_leave": "On leave",
    "checked_in": "Checked in",
    "walk_ins": "Walk-ins",
    "no_shows": "No-shows",
    "served": "Served",
    "plates": "Plates",
    "participation": "Participation",
    "show_rate": "Show rate",
    "rate": "No-show rate",
    "weekday": "Weekday",
    "weekday_name": "Weekday",
    "average_served": "Average served",
    "waste_grams": "Waste (g)",
    "waste_kg": "Waste (kg)",
    "grams_per_plate": "Waste per plate (g)",
    "dish": "Dish",
    "meals": "Meals",
    "ratings": "Ratings",
    "average": "Average rating",
    "category": "Category",
    "amount": "Amount",
    "month": "Month",
    "expenses": "Expenses",
    "billed": "Billed",
    "bills": "Bills",
    "total": "Bill total",
    "expected": "Expected plates",
    "low": "At least (80%)",
    "high": "At most (80%)",
    "event": "Calendar",
    "method": "Method",
    "mape": "Error of the method used (%)",
    "mape_model": "Model's error (%)",
    "mape_naive": "Same weekday last week's error (%)",
    "known_method": "Method once bookings are known",
    "mape_bookings": "Bookings' error (%)",
    "mape_bookings_naive": "Same weekday last week on those meals (%)",
    "bookings_meals": "Meals tested",
    "horizon": "Days ahead",
    "actual": "Actual",
    "model": "Model",
    "naive": "Same weekday last week",
    "bookings": "Bookings x show rate",
    "value": "Meals",
    "variable": "Measure",
    "measure": "Measure",
    "roll_no": "Roll number",
    "name": "Name",
    "in_progress": "In progress",
    "comment": "Comment",
    "rating": "Rating",
    "meal_revenue": "Meal revenue",
}
WEEKDAY_DATE = "ddd DD MMM YYYY"  # Tue 01 Dec 2026 (Streamlit's date format)


def label(name: str) -> str:
    return LABELS.get(name, name.replace("_", " ").capitalize())


def in_words(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """The values of `columns` (measure names, methods) as their labels, for legends and tables."""
    out = frame.copy()
    for column in columns:
        out[column] = out[column].map(lambda v: label(v) if isinstance(v, str) else v)
    return out


def table(
    frame: pd.DataFrame, name: str, caption: str | None = None, *, money: tuple[str, ...] = (), currency: str = "INR"
) -> None:
    """A table with human headers, dates as 'Tue 01 Dec 2026' and `money` columns (minor units) in the mess's
    currency, and its CSV download (same headers; money in major units)."""
    if caption:  # plain text, not st.caption: Streamlit's caption grey fails axe-core's colour contrast
        st.markdown(caption)
    shown = frame.copy()
    symbol = text.SYMBOLS.get(currency, f"{currency} ")
    config: dict[str, Any] = {}
    for column in shown.columns:
        if column in money:
            shown[column] = shown[column] / 100
            config[column] = st.column_config.NumberColumn(f"{label(column)} ({symbol.strip()})", format="%.2f")
        elif len(shown) and isinstance(shown[column].iloc[0], date):
            config[column] = st.column_config.DateColumn(label(column), format=WEEKDAY_DATE)
        else:
            config[column] = st.column_config.Column(label(column))
    st.dataframe(shown, hide_index=True, width="stretch", column_config=config)
    headers = [config[c]["label"] for c in shown.columns]
    st.download_button(
        f"Download {name}.csv",
        csv_text(headers, shown.itertuples(index=False, name=None)).encode(),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"csv_{name}",
    )


def chart(figure: Any, key: str, *, container: Any = None, dates: bool = False, money: str | None = None) -> None:
    """A Plotly figure with labelled axes: dates as 'Tue 01 Dec', `money` (a currency code) as the axis's prefix
    with thousands separators (the figure's values already in major units)."""
    if dates:
        figure.update_xaxes(tickformat="%a %d %b", hoverformat="%a %d %b %Y")
    if money:
        figure.update_yaxes(tickprefix=text.SYMBOLS.get(money, f"{money} "), tickformat=",.0f")
    figure.update_layout(legend_title_text="", margin={"t": 48, "b": 8})
    (container or st).plotly_chart(figure, key=key)


def number(value: int | float | None, digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f}%"


def rows(items: list[Any], kind: type) -> pd.DataFrame:
    """Report dataclasses as a DataFrame whose columns are the dataclass's fields (also when there are no rows)."""
    columns = [f.name for f in fields(kind)]
    return pd.DataFrame([asdict(item) for item in items], columns=columns)
