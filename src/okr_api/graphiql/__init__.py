"""GraphiQL served from files shipped in the package (see ``routes`` and
``static/README.md``): in development the IDE works without the internet."""
