"""The data generator: realistic shape, real events, deterministic per seed."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from okr_api import cli
from okr_api.read_side import init_read_models
from okr_api.seeding import SeedPlan, okrs, seed
from okr_api.settings import Settings
from okr_api.storage import init_database
from okr_domain.access import Actor
from okr_domain.application import OkrApplication
from okr_domain.errors import DomainError
from okr_domain.values import CycleStatus
from tests.api.conftest import running_api

TODAY = date(2026, 11, 28)
PLAN = SeedPlan(people=120, cycles=2, seed=11, today=TODAY)


def _log(app: OkrApplication) -> list[tuple[str, bytes]]:
    notifications = app.recorder.select_notifications(start=1, limit=1_000_000)
    return [(n.topic, n.state) for n in notifications]


def test_the_same_seed_gives_the_same_history(tmp_path: Path) -> None:
    first = init_database(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    second = init_database(f"sqlite:///{tmp_path / 'b.sqlite3'}")
    seed(first, PLAN)
    seed(second, PLAN)
    assert _log(first) == _log(second)
    other = init_database(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    seed(other, SeedPlan(people=120, cycles=2, seed=12, today=TODAY))
    assert _log(other) != _log(first)


def test_a_seeded_organization_looks_like_one(app: OkrApplication) -> None:
    calls: list[tuple[str, int, int]] = []
    report = seed(app, PLAN, lambda what, done, total: calls.append((what, done, total)))
    assert report.cycle_keys == ["2026-Q3", "2026-Q4"]
    assert report.events == app.current_position()
    topics = Counter(topic for topic, _ in _log(app))
    assert topics["okr.Person.Created"] == 120
    assert topics["okr.Team.Created"] >= 1 + 13  # the company, departments and teams
    objectives = topics["okr.Objective.Created"]
    # About three objectives a person per quarter, plus team and company objectives.
    assert 2 * 2 * 120 < objectives < 2 * 4.5 * 120
    assert topics["okr.Objective.KeyResultAdded"] > 2 * objectives
    assert topics["okr.Objective.Aligned"] > objectives / 2
    # Weekly check-ins on most key results: 13 weeks of Q3 and 8 of Q4 so far.
    assert topics["okr.Objective.CheckInRecorded"] > 0.5 * 21 * topics[
        "okr.Objective.KeyResultAdded"] / 2
    admin = Actor.system(report.organization_id)
    q3, q4 = (app.cycle_by_key(admin, key) for key in report.cycle_keys)
    assert (q3.status, q4.status) == (CycleStatus.CLOSED, CycleStatus.ACTIVE)
    assert topics["okr.Objective.Closed"] == len(q3.objective_ids)
    assert ("2026-Q3", 13, 13) in calls
    assert ("2026-Q4", 8, 8) in calls



def test_seeded_okr_events_name_the_person_who_acted(app: OkrApplication) -> None:
    report = seed(app, SeedPlan(people=40, cycles=1, seed=5, today=TODAY))
    owners = {}
    for notification in app.recorder.select_notifications(start=1, limit=1_000_000):
        if not notification.topic.startswith("okr.Objective."):
            continue
        event = app.mapper.to_domain_event(notification)
        assert event.actor_id is not None, notification.topic
        if notification.topic == "okr.Objective.Created":
            owners[event.originator_id] = event.owner_person_id
        if notification.topic == "okr.Objective.CheckInRecorded":
            owner = owners[event.originator_id]
            # An individual objective's check-ins are its owner's own.
            assert owner is None or event.actor_id == owner
    assert report.people[0].label == "CEO"


def test_the_seed_command_prints_how_to_sign_in(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # The store is the one named by --data-dir, whatever database this machine's
    # environment names.
    monkeypatch.delenv("OKR_DATABASE_URL", raising=False)
    result = CliRunner().invoke(cli.app, ["seed", "--people", "30", "--data-dir",
                                          str(tmp_path / "data"), "--slug", "acme"])
    assert result.exit_code == 0, result.output
    token = re.search(r"Authorization: Bearer (\S+)", result.stdout)
    assert token is not None, result.stdout
    assert "okr-api token --organization acme --subject e000003 --roles MEMBER" in (
        result.stdout)
    url = f"sqlite:///{tmp_path / 'data' / 'okr.sqlite3'}"
    answer = asyncio.run(_viewer(url, tmp_path, token.group(1)))
    assert answer["data"] == {"viewer": {"person": {"externalId": "e000000"}}}


async def _viewer(url: str, tmp_path: Path, token: str) -> dict[str, object]:
    init_read_models(url)
    settings = Settings(data_dir=tmp_path / "data", database_url=url)
    async with running_api(settings) as api:
        return await api.gql("{ viewer { person { externalId } } }", token=token)


def test_a_failed_seed_leaves_nothing_and_the_next_one_works(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = init_database(f"sqlite:///{tmp_path / 'okr.sqlite3'}")
    titles = iter(range(200))

    def title_that_fails_late(rng: object) -> str:
        # Objective 201 gets an empty title, deep into the load: the command refuses it.
        return "Grow" if next(titles, None) is not None else ""

    plan = SeedPlan(people=40, cycles=2, seed=5, today=TODAY)
    with monkeypatch.context() as patch:
        patch.setattr(okrs, "_title", title_that_fails_late)
        with pytest.raises(DomainError):
            seed(app, plan)
    assert app.current_position() == 0
    report = seed(app, plan)
    assert report.events == app.current_position() > 5_000
    with pytest.raises(ValueError, match="exists already"):
        seed(app, plan)
    assert app.current_position() == report.events
    app.close()
