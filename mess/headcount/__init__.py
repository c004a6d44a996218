"""Live headcount of a meal, its forecast, and the snapshot frozen at the meal's cutoff."""
