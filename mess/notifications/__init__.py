"""Notifications: how a message leaves the system (mail) and who is told what, when (reminders)."""
