"""Business counters, defined once and moved by the services that do the work (REST, pages and tasks alike)."""

from __future__ import annotations

from prometheus_client import Counter

BOOKINGS = Counter("mess_bookings", "Meal bookings and cancellations", ["mess", "slot", "action"])
CUTOFF_REFUSALS = Counter("mess_cutoff_refusals", "Changes refused because the cutoff had passed", ["mess", "slot"])
CHECKINS = Counter("mess_checkins", "Check-in attempts at the counter by result", ["mess", "slot", "result"])
FAILED_LOGINS = Counter("mess_failed_logins", "Failed sign-in attempts")
