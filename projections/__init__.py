"""Read models built from the OKR event log, and the machinery that keeps them current.

- ``projection`` (what a projection is: pure logic, event in, row changes out),
  ``tables`` (tables of rows and the changes made to them), ``registry`` (the stored
  projections by name) and ``source`` (the log, read in batches and decoded).
- ``catalog``: the catalog projection, its tables and row dataclasses; ``indexes``: the
  history projections (the event index, the alignment links).
- ``stores``: memory, SQLite and PostgreSQL (all SQL lives there), ``stores.database``
  opening the one a URL names (``open_database``), ``stores.urls`` parsing the URL.
- ``reading``: what the GraphQL layer and the analyses read, sync and async, the same on
  every store (the reader interface, filters, pages and cursors).
- ``running``: batches, the supervised runner, rebuilds and the entry points by URL;
  ``worker`` is the process (``python -m projections.worker``).
- ``replay``: in-memory replays "as of" a moment, on both time axes, and the proof of a
  closed cycle's grades.
- ``analysis``: the alignment tree, stretch, health and the other analyses of rows.
- ``gc_pause``: pausing the garbage collector while many long-lived rows are built.
"""
