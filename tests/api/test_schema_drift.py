"""schema.graphql is exported from the code; it must not drift."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from graphql import GraphQLNonNull

from okr_api.graphql.schema import sdl

ROOT = Path(__file__).resolve().parents[2]


def test_checked_in_schema_matches_the_code() -> None:
    checked_in = (ROOT / "schema.graphql").read_text()
    assert checked_in == sdl(), "schema.graphql drifted: run `okr-api schema export`"


def test_export_check_fails_on_a_drifted_file(tmp_path: Path) -> None:
    drifted = tmp_path / "schema.graphql"
    drifted.write_text(sdl().replace("type Query", "type Queries"))
    run = subprocess.run(
        [sys.executable, "-m", "okr_api.cli", "schema", "export", "--check",
         "--output", str(drifted)], capture_output=True, text=True, check=False)
    assert run.returncode == 1
    ok = subprocess.run(
        [sys.executable, "-m", "okr_api.cli", "schema", "export", "--output", str(drifted)],
        capture_output=True, text=True, check=False)
    assert ok.returncode == 0
    assert drifted.read_text() == sdl()


def test_every_mutation_takes_one_input_and_returns_a_nullable_payload() -> None:
    from okr_api.graphql.schema import schema

    mutation = schema._schema.mutation_type
    assert mutation is not None
    assert len(mutation.fields) >= 24
    for name, field in mutation.fields.items():
        assert list(field.args) == ["input"], name
        # Nullable: one field's error never hides another field's committed result.
        payload = field.type
        assert not isinstance(payload, GraphQLNonNull), name
        assert {"userErrors", "position"} <= set(payload.fields), name
