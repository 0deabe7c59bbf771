"""HTTP around the GraphQL schema: the endpoint (``endpoint``), what a request may be
(``request_limits``, ``server_protocol``), cross-origin calls (``cors``), the JSON
response (``json_response``) and 503 answers when the database is down (``unavailable``).
"""
