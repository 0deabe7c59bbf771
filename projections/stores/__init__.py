"""Where read models are stored: memory, SQLite, PostgreSQL. All SQL lives here."""
