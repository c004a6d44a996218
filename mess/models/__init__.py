"""Every ORM model, imported here so Alembic and the tests see the whole schema."""

from mess.models.audit import AuditLog
from mess.models.billing import Adjustment, Bill, BillingRun, BillLine, LedgerEntry
from mess.models.booking import Booking, Leave
from mess.models.checkin import CheckIn
from mess.models.costs import Expense, Feedback, Wastage
from mess.models.extras import ExtraItem, ExtraPurchase
from mess.models.menu import MenuDish, MenuTemplateDish
from mess.models.mess import FixedCharge, MealPrice, Mess, Slot
from mess.models.notification import Notification, NotificationDelivery, NotificationPreference, PushSubscription
from mess.models.people import LoginFailure, Resident, UserAccount
from mess.models.photo import ResidentPhoto
from mess.models.rollup import DailyRollup, HeadcountSnapshot

__all__ = [
    "Adjustment",
    "AuditLog",
    "Bill",
    "BillLine",
    "BillingRun",
    "Booking",
    "CheckIn",
    "DailyRollup",
    "Expense",
    "ExtraItem",
    "ExtraPurchase",
    "Feedback",
    "FixedCharge",
    "HeadcountSnapshot",
    "Leave",
    "LedgerEntry",
    "LoginFailure",
    "MealPrice",
    "MenuDish",
    "MenuTemplateDish",
    "Mess",
    "Notification",
    "NotificationDelivery",
    "NotificationPreference",
    "PushSubscription",
    "Resident",
    "ResidentPhoto",
    "Slot",
    "UserAccount",
    "Wastage",
]
