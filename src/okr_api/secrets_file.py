"""The development signing secret: made once in the data folder when none is set."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from okr_api.settings import Settings

SECRET_FILE = "jwt-secret"
MIN_SECRET_LENGTH = 32


class InsecureSettings(RuntimeError):
    """Production settings without a real signing key."""


def signing_secret(settings: Settings) -> str | None:
    """The HS256 secret to use; in development one is made and kept in the data folder."""
    if settings.jwt_secret is not None:
        secret = settings.jwt_secret.get_secret_value()
        if settings.is_production and len(secret) < MIN_SECRET_LENGTH:
            raise InsecureSettings(
                f"OKR_JWT_SECRET must be at least {MIN_SECRET_LENGTH} characters in production")
        return secret
    if settings.jwt_public_key:
        return None
    if settings.is_production:
        raise InsecureSettings("production needs OKR_JWT_SECRET or OKR_JWT_PUBLIC_KEY")
    path = Path(settings.data_dir) / SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()
