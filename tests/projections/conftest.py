"""Fixtures of the projection tests: the read-model database of each store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from okr_domain.application import OkrApplication
from projections.databases import Database, open_database
from projection_histories import History, build_history


@pytest.fixture
def database(store_url: str) -> Database:
    return open_database(store_url)


@pytest.fixture
def history(app: OkrApplication) -> Iterator[History]:
    yield build_history(app)
