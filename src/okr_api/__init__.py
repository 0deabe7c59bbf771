"""The okr-history service: GraphQL over FastAPI, auth, live events and the CLI."""
