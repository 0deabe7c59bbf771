"""In-memory replays of the log through the catalog projection: history "as of" a moment.

``full_replay`` replays the whole log; ``stepping`` replays one cycle forward in valid
time (``catalog_session`` applies the events to rows in memory), ``checkpoints`` keeps
its states, ``asof`` answers from them, ``cycle_state`` is one cycle's rows at a moment.
``subtree`` (with ``subtree_reads`` and ``aggregate_log``) replays one objective's
subtree from its own aggregates; ``timeline_walk`` walks a cycle's timeline,
``objective_history`` one objective's; ``verification`` proves a closed cycle's grades
(``legacy_grades``: grades of closes made before scores were exact).
"""
