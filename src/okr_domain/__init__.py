"""The OKR domain: aggregates, events, scoring rules and the command side."""
