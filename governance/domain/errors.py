"""The one exception tree of daobot.

Every error carries ``message``: a sentence fit to show a DAO member as is. It never
contains a secret. Only the bot's error handler (and the CLI) turn these into replies.

    DaobotError
    ├── InvalidInput          malformed address, amount, text, command argument
    ├── ConfigError           a setting is missing or wrong (names the setting)
    ├── NotAuthorized         the member lacks the role or the wallet link
    ├── NotFound              no such proposal, classifier, epoch, round, ...
    ├── WrongState            the thing exists but is not in a state that allows this
    ├── SignatureRejected     forged, replayed, expired or mismatched signature
    ├── RateLimited           too many requests from one member
    ├── ChainError            the chain or its RPC failed or refused
    │   └── TransactionRefused  simulation or gas estimation failed: nothing was sent
    ├── IntegrityError        data disagrees with itself (a tampered manifest, a hash mismatch)
    └── ExternalServiceError  a hub, gateway or other outside service is unreachable
"""

from __future__ import annotations

__all__ = [
    "ChainError",
    "ConfigError",
    "DaobotError",
    "ExternalServiceError",
    "IntegrityError",
    "InvalidInput",
    "NotAuthorized",
    "NotFound",
    "RateLimited",
    "SignatureRejected",
    "TransactionRefused",
    "WrongState",
]


class DaobotError(Exception):
    """Root of every error daobot raises on purpose."""

    default_message = "Something went wrong."

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class InvalidInput(DaobotError):
    default_message = "That input is not valid."


class ConfigError(DaobotError):
    default_message = "The configuration is not valid."

    def __init__(self, setting: str, problem: str) -> None:
        self.setting = setting
        super().__init__(f"{setting}: {problem}")


class NotAuthorized(DaobotError):
    default_message = "You are not allowed to do that."


class NotFound(DaobotError):
    default_message = "Not found."


class WrongState(DaobotError):
    default_message = "That cannot be done in the current state."


class SignatureRejected(DaobotError):
    default_message = "The signature was rejected."


class RateLimited(DaobotError):
    default_message = "Too many requests; try again in a moment."


class ChainError(DaobotError):
    default_message = "The blockchain node did not answer as expected."


class TransactionRefused(ChainError):
    default_message = "The transaction would fail, so it was not sent."


class IntegrityError(DaobotError):
    default_message = "The data does not match its commitment."


class ExternalServiceError(DaobotError):
    default_message = "An outside service is unreachable right now."
