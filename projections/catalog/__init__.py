"""The catalog projection: every entity's current state as flat rows.

``projection`` turns events into row changes (``objectives`` for an objective, its key
results and check-ins), ``tables`` describes the tables, ``rows`` holds the row
dataclasses, and ``score_keys`` the exact scores' sortable keys.
"""
