"""The environment a test gives the service processes it starts."""

from __future__ import annotations

import os

CLOCK_VARIABLES = ("OKR_CLOCK_START", "OKR_CLOCK_ANCHOR")


def clean_environment() -> dict[str, str]:
    """None of this machine's ``OKR_*`` settings, but the test run's clock (set in
    tests/conftest.py), so that every process of a test agrees on the time."""
    return {k: v for k, v in os.environ.items()
            if not k.startswith("OKR_") or k in CLOCK_VARIABLES}
