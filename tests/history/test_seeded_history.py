"""A seeded organization with a closed quarter and an open one: the closes were written
after the next quarter was set up, check-ins apply over the weeks. ``okr-api replay`` of
the open quarter works, and as-of answers walked through the replay's checkpoints, and
whole-cycle states replayed in parts, equal replays from the log's beginning."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from okr_api.cli import app as cli
from okr_api.history.offline import find_target, opened
from okr_domain.clock import simulated_time
from projections.replay.asof import AsOfReplayer
from projections.replay.cycle_state import CycleState
from projections.replay.kept import KeptCheckpoints
from projections.replay.partial import PartialReplayer
from projections.stores.database import open_database
from tests.history.test_bitemporal import rows

NOW = datetime(2026, 11, 18, 15, tzinfo=UTC)
runner = CliRunner()


def seeded_history(tmp_path: Path, people: int, samples: int,
                   monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'okr.db'}"
    monkeypatch.setenv("OKR_HISTORY_KEEP_EVERY_EVENTS", str(people * 20))
    with simulated_time(NOW):
        seeded = runner.invoke(cli, ["seed", "--people", str(people), "--cycles", "2",
                                     "--database-url", url])
        assert seeded.exit_code == 0, seeded.output
        # The read models, as a worker keeps them: the replay goes in parts.
        built = runner.invoke(cli, ["projections", "rebuild", "--database-url", url])
        assert built.exit_code == 0, built.output
        replayed = runner.invoke(cli, ["replay", "--cycle", "2026-Q4", "--database-url", url])
        assert replayed.exit_code == 0, replayed.output
        assert "2026-11-18 15:00" in replayed.output
        with opened(url) as app:
            target = find_target(app, "2026-Q4", None)
            rng = random.Random(3)
            moments = [datetime(2026, 9, 25, tzinfo=UTC)
                       + timedelta(hours=rng.randint(0, 24 * 55)) for _ in range(samples)]
            walked = AsOfReplayer(target.source, every_events=20_000).sample(
                target.organization_id, target.cycle_id, moments, lambda s: s)
            partial = PartialReplayer(AsOfReplayer(target.source), open_database(url))
            for moment, state in zip(moments, walked, strict=True):
                alone: CycleState = AsOfReplayer(target.source).state_at(
                    target.organization_id, target.cycle_id, moment)
                assert rows(state) == rows(alone), moment
                # In parts, from the aggregates' own events: the same objectives and
                # key results, check-ins counted.
                parts = partial.cycle_at(target.organization_id, target.cycle_id, moment)
                assert parts is not None
                assert (parts.objectives, parts.key_results, parts.check_ins_recorded,
                        parts.position) == (alone.objectives, alone.key_results,
                                            alone.check_ins_recorded, alone.position), moment
            assert walked[-1].exists
        # Checkpoints kept in the store: a process started afresh resumes from them.
        kept = runner.invoke(cli, ["projections", "checkpoints", "--database-url", url])
        assert kept.exit_code == 0, kept.output
        with opened(url) as app:
            target = find_target(app, "2026-Q4", None)
            store = KeptCheckpoints(open_database(url).checkpoint_store())
            assert store.store.count() >= 2
            for moment, state in zip(moments, walked, strict=True):
                resumed = AsOfReplayer(target.source, kept=store).state_at(
                    target.organization_id, target.cycle_id, moment)
                assert rows(resumed) == rows(state), moment
            assert store.loaded > 0


def test_a_seeded_open_quarter_replays(tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    seeded_history(tmp_path, 200, 4, monkeypatch)


@pytest.mark.slow
def test_a_big_seeded_open_quarter_replays(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    seeded_history(tmp_path, 2000, 3, monkeypatch)
