"""What the benchmarks act on, read from the seeded read model: the organization, a
token, key results to check in on, the team subtree and the department to analyse."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from uuid import UUID

import psycopg
from psycopg import sql
from strawberry.relay import to_base64

from bench.config import CYCLE
from bench.database import BenchDatabase
from bench.server import SECRET
from okr_api.auth import TokenKeys, mint_token
from okr_domain import ids
from okr_domain.values import Role

TOKEN_SECONDS = 6 * 3600


def gid(type_name: str, *parts: UUID) -> str:
    return to_base64(type_name, ".".join(p.hex for p in parts))


@dataclass
class World:
    organization_id: UUID
    cycle: str
    token: str
    check_ins: list[tuple[str, str]] = field(default_factory=list)
    """(key result global id, a value in its range) on distinct active objectives."""
    subtree_root: str = ""
    subtree_size: int = 0
    department: str = ""
    department_name: str = ""
    objectives: int = 0
    key_results: int = 0


def _token(organization_id: UUID) -> str:
    ceo = ids.person_id(organization_id, "e000000")
    return mint_token(TokenKeys(secret=SECRET), organization_id=organization_id,
                      subject=str(ceo), roles=[Role.ADMIN, Role.HR],
                      ttl_seconds=TOKEN_SECONDS)


def _subtree_sizes(parents: dict[UUID, UUID | None]) -> dict[UUID, int]:
    children: defaultdict[UUID, list[UUID]] = defaultdict(list)
    for child, parent in parents.items():
        if parent is not None and parent in parents:
            children[parent].append(child)
    sizes: dict[UUID, int] = {}
    for root in parents:
        if root in sizes:
            continue
        stack: list[tuple[UUID, bool]] = [(root, False)]
        while stack:
            node, done = stack.pop()
            if done:
                sizes[node] = 1 + sum(sizes[c] for c in children[node])
            elif node not in sizes:
                stack.append((node, True))
                stack.extend((c, False) for c in children[node] if c not in sizes)
    return sizes


def _value(metric: str, start: Decimal, target: Decimal) -> str:
    """A value the key result accepts (BINARY takes 0 or 1)."""
    if metric == "BINARY":
        return "1"
    return str(((start + target) / 2).quantize(Decimal("0.01")))


def load_world(db: BenchDatabase, organization_id: UUID, subtree_target: int,
               check_in_keys: int = 4000) -> World:
    world = World(organization_id, CYCLE, _token(organization_id))
    schema = sql.Identifier(db.schema)
    cycle_id = ids.cycle_id(organization_id, CYCLE)
    with psycopg.connect(db.dsn, connect_timeout=5) as conn:
        objectives = conn.execute(sql.SQL(
            "SELECT id, parent_id FROM {}.catalog_objectives WHERE organization_id = %s "
            "AND cycle_id = %s AND status <> 'ARCHIVED'").format(schema),
            (organization_id, cycle_id)).fetchall()
        world.objectives = len(objectives)
        sizes = _subtree_sizes(dict(objectives))
        root = min(sizes, key=lambda o: (abs(sizes[o] - subtree_target), o.hex))
        world.subtree_root, world.subtree_size = gid("Objective", root), sizes[root]
        # One key result per objective, spread over the whole organization.
        rows = conn.execute(sql.SQL(
            "SELECT DISTINCT ON (k.objective_id) k.objective_id, k.id, k.start, k.target, "
            "k.metric_type "
            "FROM {}.catalog_key_results k JOIN {}.catalog_objectives o "
            "ON o.id = k.objective_id WHERE o.organization_id = %s AND o.cycle_id = %s "
            "AND o.status = 'ACTIVE' ORDER BY k.objective_id, k.sort_index LIMIT %s"
        ).format(schema, schema), (organization_id, cycle_id, check_in_keys)).fetchall()
        world.check_ins = [(gid("KeyResult", o, k), _value(metric, start, target))
                           for o, k, start, target, metric in rows]
        counted = conn.execute(sql.SQL(
            "SELECT count(*) FROM {}.catalog_key_results WHERE organization_id = %s "
            "AND cycle_id = %s").format(schema), (organization_id, cycle_id)).fetchone()
        world.key_results = counted[0] if counted else 0
        department = conn.execute(sql.SQL(
            "SELECT id, name FROM {}.catalog_teams WHERE organization_id = %s "
            "AND kind = 'DEPARTMENT' ORDER BY name LIMIT 1").format(schema),
            (organization_id,)).fetchone()
        if department is not None:
            world.department, world.department_name = gid("Team", department[0]), department[1]
    return world
