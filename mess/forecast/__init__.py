"""Headcount forecast (pure model, no database) and synthetic attendance with a known truth."""
