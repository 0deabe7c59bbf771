"""Fixtures of the projection tests: the read-model database of each store."""

from __future__ import annotations

import pytest
from projection_histories import History, build_history

from okr_domain.application import OkrApplication
from projections.stores.database import Database, open_database


@pytest.fixture
def database(store_url: str) -> Database:
    return open_database(store_url)


@pytest.fixture
def history(app: OkrApplication) -> History:
    return build_history(app)
