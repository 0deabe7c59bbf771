"""The history projections: ``event_index`` (one row per stored event, for queries by
cycle and time) and ``alignment_links`` (every alignment ever made, by cycle)."""
