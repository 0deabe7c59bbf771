"""Keeping the stored projections current: ``batches`` feeds a projection from the log a
batch at a time, ``runner`` keeps every projection current (one supervised thread each),
``rebuild`` rebuilds one from position zero into shadow tables (``remembered`` keeps its
rows in memory meanwhile), and ``service`` starts them by database URL."""
