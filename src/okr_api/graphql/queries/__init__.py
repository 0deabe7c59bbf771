"""The root query fields, one module per family (core, practice, analysis, history,
webhooks) and the resolvers they share."""
