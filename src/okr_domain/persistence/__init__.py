"""Where the events are stored: the ``eventsourcing`` settings for a database URL
(``settings``) and the PostgreSQL recorders that report an outage quickly and write large
inserts by ``COPY`` (``postgres_store``). The only SQL of the domain's side lives here."""
