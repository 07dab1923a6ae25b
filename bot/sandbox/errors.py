"""Errors of the sandbox: JSON error bodies shaped like Discord's, and driver misuse."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "SandboxError",
    "SandboxHTTPError",
    "already_acknowledged",
    "empty_message",
    "invalid_form",
    "unauthorized",
    "unknown",
]


class SandboxError(Exception):
    """A scripted member tried something the Discord client would not let them do."""


_UNKNOWN_CODES: dict[str, int] = {
    "Account": 10001,
    "Application": 10002,
    "Channel": 10003,
    "Guild": 10004,
    "Member": 10007,
    "Message": 10008,
    "Role": 10011,
    "User": 10013,
    "Webhook": 10015,
    "Attachment": 10019,
    "interaction": 10062,
    "application command": 10063,
}


@dataclass(eq=False)
class SandboxHTTPError(Exception):
    """Raised by a REST handler; the error middleware turns it into Discord's JSON error body.

    Not frozen: the interpreter sets ``__traceback__`` and ``__context__`` on raised exceptions.
    """

    status: int
    code: int
    message: str
    errors: dict[str, Any] | None = None

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors is not None:
            body["errors"] = self.errors
        return body


def unknown(thing: str) -> SandboxHTTPError:
    return SandboxHTTPError(404, _UNKNOWN_CODES[thing], f"Unknown {thing}")


def unauthorized() -> SandboxHTTPError:
    return SandboxHTTPError(401, 0, "401: Unauthorized")


def empty_message() -> SandboxHTTPError:
    return SandboxHTTPError(400, 50006, "Cannot send an empty message")


def already_acknowledged() -> SandboxHTTPError:
    return SandboxHTTPError(400, 40060, "Interaction has already been acknowledged.")


def invalid_form(field: str, reason: str) -> SandboxHTTPError:
    errors = {field: {"_errors": [{"code": "BASE_TYPE_INVALID", "message": reason}]}}
    return SandboxHTTPError(400, 50035, "Invalid Form Body", errors)
