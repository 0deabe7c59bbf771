"""Check-in reminders: the schedule that records them, and their webhook form."""
