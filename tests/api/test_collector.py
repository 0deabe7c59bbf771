"""The server's collector thresholds apply while it serves and are undone after."""

from __future__ import annotations

import gc

from okr_api.collector import YOUNG_OBJECTS, server_collector


def test_young_collections_are_rarer_while_serving_only() -> None:
    before = gc.get_threshold()
    with server_collector():
        assert gc.get_threshold() == (YOUNG_OBJECTS, *before[1:])
    assert gc.get_threshold() == before
