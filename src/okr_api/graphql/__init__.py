"""The GraphQL schema: Relay nodes, connections, queries and mutations."""
