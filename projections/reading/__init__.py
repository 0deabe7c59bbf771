"""What the GraphQL layer and the analyses read, the same on every store.

``interface`` declares the readers (sync and async), ``queries`` their filters, pages and
cursors; ``memory`` implements them over the memory store, ``threaded`` makes a
synchronous reader asynchronous. ``objective_filter``, ``viewer_scope`` and
``feed_rows`` are the memory reader's filter, whose private objectives a person sees,
and what the live feed reads.
"""
