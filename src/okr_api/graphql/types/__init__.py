"""GraphQL object and input types, one module per node or family."""
