"""Rows written to PostgreSQL in COPY's text format read back as they were written:
every column kind, NULLs, and text that needs escaping (tabs, newlines, backslashes)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from typing import Any
from uuid import UUID, uuid4

import pytest

from okr_domain.application import OkrApplication
from okr_domain.values import BandEdges, Kind, Level, ObjectiveStatus, OkrPolicy, Visibility
from projections.catalog.rows import CheckInRow, ObjectiveRow, OrganizationRow
from projections.catalog.tables import CHECK_INS, OBJECTIVES, ORGANIZATIONS
from projections.registry import PROJECTIONS
from projections.stores.copy_text import escaped
from projections.stores.database import open_database
from projections.stores.postgres import COPY_THRESHOLD
from projections.stores.session import Target
from projections.tables import ChangeSet, Upsert

TEXTS = ["plain", "", "tab\there", "line\nbreak", "carriage\rreturn", "back\\slash",
         "\\N", "\\.", "ünïcödé ✓", "all\t\n\r\\ at once", "trailing backslash\\"]
AT = datetime(2026, 11, 28, 10, 30, 15, 123456, tzinfo=UTC)


def _objectives(org: UUID, cycle: UUID) -> list[ObjectiveRow]:
    rows = []
    for n in range(COPY_THRESHOLD + 10):  # enough to go through COPY
        text = TEXTS[n % len(TEXTS)]
        rows.append(ObjectiveRow(
            id=uuid4(), organization_id=org, cycle_id=cycle, level=Level.TEAM,
            owner_team_id=uuid4() if n % 2 else None, owner_person_id=None,
            kind=Kind.COMMITTED, visibility=Visibility.PUBLIC,
            status=ObjectiveStatus.ACTIVE, title=text, description=text * 2,
            parent_id=None, parent_key_result_id=None,
            score=[Fraction(0), Fraction(1), Fraction(7, 10), Fraction(2, 3)][n % 4],
            supporters=[uuid4() for _ in range(n % 3)], supporters_can_check_in=bool(n % 2),
            grade_override=[None, 0.1, 1e-7, 0.7][n % 4], grade_reason=text or None,
            final_exact=Fraction(n, 7) if n % 3 else None,
            created_at=AT + timedelta(minutes=n),
            updated_at=(AT + timedelta(hours=n)).astimezone(timezone(timedelta(hours=-5))),
            position=n, created_position=n))
    return rows


def _check_ins(org: UUID, cycle: UUID) -> list[CheckInRow]:
    values = [Decimal("1E+2"), Decimal("-0.000001"), Decimal("42.50"), Decimal(7)]
    return [CheckInRow(
        id=uuid4(), key_result_id=uuid4(), objective_id=uuid4(), organization_id=org,
        cycle_id=cycle, value=values[n % 4], previous_value=values[n % 3] if n % 2 else None,
        confidence=n % 10 if n % 4 else None, note=TEXTS[n % len(TEXTS)], applies_at=AT,
        recorded_at=AT, author_id=None, in_one_on_one=bool(n % 2), corrected=False,
        correction_reason=None, position=n, sequence=n,
        previous_check_in_at=AT - timedelta(days=n) if n % 2 else None)
        for n in range(COPY_THRESHOLD + 10)]


def _organizations() -> list[OrganizationRow]:
    policy = OkrPolicy(bands=BandEdges(low=0.25), time_zone="Europe/Berlin")
    return [OrganizationRow(id=uuid4(), name=TEXTS[n % len(TEXTS)], slug=f"org-{n}",
                            root_team_id=uuid4(), policy=policy if n % 2 else OkrPolicy(),
                            position=n)
            for n in range(COPY_THRESHOLD + 10)]


@pytest.mark.parametrize("times", [1, 2], ids=["inserted", "replaced"])
def test_rows_written_by_copy_read_back_the_same(pg_app: OkrApplication, postgres_url: str,
                                                 times: int) -> None:
    database = open_database(postgres_url)
    catalog = PROJECTIONS["catalog"]
    database.setup([catalog])
    session = database.session()
    try:
        org, cycle = uuid4(), uuid4()
        written: dict[str, list[Any]] = {
            OBJECTIVES.name: _objectives(org, cycle), CHECK_INS.name: _check_ins(org, cycle),
            ORGANIZATIONS.name: _organizations()}
        tables = {t.name: t for t in (OBJECTIVES, CHECK_INS, ORGANIZATIONS)}
        for round_ in range(times):
            if round_:  # the same keys again: the staged upsert replaces every row
                written = {name: [replace(r, position=r.position + 1000) for r in rows]
                           for name, rows in written.items()}
            changes = ChangeSet()
            for name, rows in written.items():
                changes.extend([Upsert(tables[name], r) for r in rows])
            assert session.commit(catalog, Target.LIVE, changes, round_, round_ + 1)
        for name, rows in written.items():
            key = tables[name].key
            assert session.all_rows(tables[name]) == sorted(
                rows, key=lambda r: str(getattr(r, key)))
    finally:
        session.close()


def test_text_is_escaped_as_copy_reads_it() -> None:
    assert escaped("a\tb\nc\rd\\e") == "a\\tb\\nc\\rd\\\\e"
    assert escaped("plain") == "plain"
