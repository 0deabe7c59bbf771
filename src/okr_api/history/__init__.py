"""History for analysts: "as of" replays, timelines, changes, exports and verification."""
