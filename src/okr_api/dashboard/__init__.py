"""The built-in web dashboard: static files served by the service, built only on the
public GraphQL API (see ``routes``)."""
