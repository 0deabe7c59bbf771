"""Webhooks: the live feed delivered over HTTP, signed, in order, at least once."""
