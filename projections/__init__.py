"""Read models built from the OKR event log, and the machinery that keeps them current.

- ``projection``: what a projection is (pure logic: event in, row changes out);
  ``catalog`` (+ ``catalog_objectives``, ``catalog_tables``) and ``event_index`` are the
  stored projections, listed in ``registry``; ``model`` holds their row dataclasses.
- ``stores``: memory, SQLite and PostgreSQL (all SQL lives there); ``databases`` opens
  the one a URL names (``open_database``), with sessions for runners and readers.
- ``readers`` (APIs) and ``reading`` (filters, pages, cursors): what the GraphQL layer
  and the analyses read, sync and async, the same on every store.
- ``processing`` (batches), ``runner`` (live, supervised), ``rebuild`` (shadow tables and
  an atomic swap; status), ``replay`` (in-memory "as of"), ``service`` (entry points by
  URL) and ``worker`` (``python -m projections.worker``).
"""
