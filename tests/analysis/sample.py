"""A small organization with every kind of placement, shared by the tree and path tests.

    Company (lead Cleo)
    ├── Sales (lead Sam): Sid
    └── Eng (lead Eve)
        └── Platform (lead Pia, managed by Eve): Paul (managed by Pia)

Cycle 2026-Q1 (ACTIVE); objectives with their key result scores:

    C1 company "Grow revenue"      (0.4, 0.8)
    ├── S1 team Sales              (0.9)
    │   └── Sid individual         (0.3)
    C2 company "Ship platform"     (0.5)
    ├── E1 team Eng                (0.2, 0.6)
    │   └── P1 team Platform       (1.0)        a team objective under a team objective
    │       ├── Paul individual    (0.7)        PRIVATE
    │       └── Pia individual     (0.1)
    └── A1 team Eng, ARCHIVED      (1.0)
        └── Eve individual         (0.5)        parent archived: an orphan
    Pia2 individual -> X           (0.2)        X is a company objective of 2025-Q4
    S2 team Sales, unaligned       (0.5)        orphan
    Sam individual, unaligned      ()           orphan, no key results
"""

from __future__ import annotations

from dataclasses import dataclass

from okr_domain.values import CycleStatus, ObjectiveStatus
from projections.catalog.rows import CycleRow, ObjectiveRow, PersonRow, TeamRow

from .factories import Q1_START, Org, at


@dataclass
class Sample:
    org: Org
    q1: CycleRow
    q4: CycleRow
    sales: TeamRow
    eng: TeamRow
    platform: TeamRow
    cleo: PersonRow
    sam: PersonRow
    sid: PersonRow
    eve: PersonRow
    pia: PersonRow
    paul: PersonRow
    c1: ObjectiveRow
    s1: ObjectiveRow
    sid_o: ObjectiveRow
    c2: ObjectiveRow
    e1: ObjectiveRow
    p1: ObjectiveRow
    paul_o: ObjectiveRow
    pia_o: ObjectiveRow
    a1: ObjectiveRow
    eve_o: ObjectiveRow
    x: ObjectiveRow
    pia2: ObjectiveRow
    s2: ObjectiveRow
    sam_o: ObjectiveRow


def sample() -> Sample:
    org = Org()
    cleo = org.person("Cleo", team=org.root)
    org.lead(org.root, cleo)
    sales = org.team("Sales")
    eng = org.team("Eng")
    platform = org.team("Platform", parent=eng)
    sam = org.person("Sam", team=sales, manager=cleo)
    sid = org.person("Sid", team=sales, manager=sam)
    eve = org.person("Eve", team=eng, manager=cleo)
    pia = org.person("Pia", team=platform, manager=eve)
    paul = org.person("Paul", team=platform, manager=pia)
    org.lead(sales, sam)
    org.lead(eng, eve)
    org.lead(platform, pia)
    q4 = org.cycle("2025-Q4", starts_on=Q1_START.replace(year=2025, month=10),
                   ends_on=Q1_START.replace(day=31, month=12, year=2025),
                   status=CycleStatus.CLOSED)
    q1 = org.cycle()
    x = org.objective(q4, "X", krs=(1.0,), status=ObjectiveStatus.CLOSED, final_score=1.0,
                      created_at=at(q4.starts_on))
    c1 = org.objective(q1, "Grow revenue", krs=(0.4, 0.8))
    s1 = org.objective(q1, "S1", team=sales, parent=c1, krs=(0.9,))
    sid_o = org.objective(q1, "Sid's", person=sid, parent=s1, krs=(0.3,))
    c2 = org.objective(q1, "Ship platform", krs=(0.5,))
    e1 = org.objective(q1, "E1", team=eng, parent=c2, krs=(0.2, 0.6))
    p1 = org.objective(q1, "P1", team=platform, parent=e1, krs=(1.0,))
    paul_o = org.objective(q1, "Paul's", person=paul, parent=p1, krs=(0.7,), private=True)
    pia_o = org.objective(q1, "Pia's", person=pia, parent=p1, krs=(0.1,))
    a1 = org.objective(q1, "A1", team=eng, parent=c2, krs=(1.0,),
                       status=ObjectiveStatus.ARCHIVED)
    eve_o = org.objective(q1, "Eve's", person=eve, parent=a1, krs=(0.5,))
    pia2 = org.objective(q1, "Pia's other", person=pia, parent=x, krs=(0.2,))
    s2 = org.objective(q1, "S2", team=sales, krs=(0.5,))
    sam_o = org.objective(q1, "Sam's", person=sam)
    return Sample(org, q1, q4, sales, eng, platform, cleo, sam, sid, eve, pia, paul,
                  c1, s1, sid_o, c2, e1, p1, paul_o, pia_o, a1, eve_o, x, pia2, s2, sam_o)
