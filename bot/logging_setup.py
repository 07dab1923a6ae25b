"""Logging for entrypoints only: one format, and a filter that blanks every configured secret."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

from pydantic import SecretStr

from governance.config import Settings

__all__ = ["SecretRedactor", "configure_logging", "secrets_of"]

REDACTED = "[redacted]"


def secrets_of(settings: Settings) -> list[str]:
    """Every secret value the settings hold (SecretStr fields), longest first."""
    values = [
        value.get_secret_value()
        for name in type(settings).model_fields
        if isinstance(value := getattr(settings, name), SecretStr) and value.get_secret_value()
    ]
    return sorted(values, key=len, reverse=True)


class SecretRedactor(logging.Filter):
    """Replaces secret values in a record's final message (arguments and tracebacks included)."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if len(s) >= 4]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        for secret in self._secrets:
            message = message.replace(secret, REDACTED)
            if record.exc_text:
                record.exc_text = record.exc_text.replace(secret, REDACTED)
        record.msg, record.args = message, None
        return True


def configure_logging(settings: Settings, stream: object = None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)  # type: ignore[arg-type]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(SecretRedactor(secrets_of(settings)))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(getattr(logging, settings.log_level.upper(), logging.INFO))
    logging.getLogger("discord").setLevel(logging.WARNING)
    return handler
