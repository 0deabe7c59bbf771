"""Read models built from the OKR event log, and the machinery that keeps them current."""
