"""The live feed's read of a range of the log on PostgreSQL gives the same notifications
as the library's ``select_notifications``."""

from __future__ import annotations

from okr_domain.application import OkrApplication
from tests.domain.bulk_loads import load_people_with_check_ins


def test_a_range_reads_as_the_library_reads_it(pg_app: OkrApplication) -> None:
    load_people_with_check_ins(pg_app, people=10, weeks=3)
    head = pg_app.current_position()
    assert head > 50
    recorder = pg_app.recorder
    for start, limit, stop in ((1, 100_000, head), (7, 20, head), (5, 1000, 30),
                               (head, 10, head), (head + 1, 10, head + 5)):
        library = recorder.select_notifications(start, limit, stop)
        ours = recorder.select_range(start, limit, stop)  # type: ignore[attr-defined]
        assert ours == library
        assert [type(n.state) for n in ours] == [bytes] * len(library)
        assert [type(n.originator_id) for n in ours] == [
            type(n.originator_id) for n in library]
