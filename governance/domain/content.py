"""Platform content as the bot receives it: validated ``Post`` values and the JSONL import format.

A post arrives as a JSON object with exactly four fields::

    {"id": "p-1042", "author": "u-77", "text": "gm everyone", "created": "2026-11-21T09:30:00Z"}

Limits (members see these in error messages, keep docs/moderation.md in step):

- ``id`` and ``author``: 1 to 128 characters from ``A-Z a-z 0-9 _ . : -``, starting with a letter
  or digit. The post id is the idempotency key: importing the same post twice is harmless.
- ``text``: at most ``MAX_TEXT_CHARS`` (5,000) Unicode characters, not blank, no control characters
  other than newline and tab.
- ``created``: an ISO 8601 timestamp with a time zone (``Z`` or ``+01:00``), or Unix seconds as an
  integer; stored in UTC. Not before 2000, and not more than ``MAX_CLOCK_SKEW`` in the future.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from governance.domain.errors import InvalidInput

__all__ = [
    "MAX_CLOCK_SKEW",
    "MAX_ID_CHARS",
    "MAX_TEXT_CHARS",
    "Post",
    "parse_post",
    "parse_posts_jsonl",
]

MAX_TEXT_CHARS = 5_000
MAX_ID_CHARS = 128
MAX_CLOCK_SKEW = timedelta(minutes=5)
MAX_REPORTED_PROBLEMS = 20
_FIELDS = ("id", "author", "text", "created")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]*")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Post:
    """One piece of platform content. Construct through ``parse_post`` or directly (validated here)."""

    id: str
    author: str
    text: str
    created: datetime

    def __post_init__(self) -> None:
        _check_identifier(self.id, "post id")
        _check_identifier(self.author, "author")
        _check_text(self.text)
        if not isinstance(self.created, datetime):
            raise InvalidInput("The post's created time must be a date and time.")
        if self.created.utcoffset() is None:
            raise InvalidInput("The post's created time must include a time zone.")


def _check_identifier(value: object, what: str) -> None:
    if not isinstance(value, str) or not value:
        raise InvalidInput(f"The {what} is missing; it must be a non-empty string.")
    if len(value) > MAX_ID_CHARS:
        raise InvalidInput(f"The {what} is longer than {MAX_ID_CHARS} characters.")
    if not _ID.fullmatch(value):
        raise InvalidInput(
            f"The {what} {value!r} may only use letters, digits and _ . : - (and must start with a letter or digit)."
        )


def _check_text(value: object) -> None:
    if not isinstance(value, str):
        raise InvalidInput("The post text must be a string.")
    if not value.strip():
        raise InvalidInput("The post text is empty.")
    if len(value) > MAX_TEXT_CHARS:
        raise InvalidInput(f"The post text has {len(value):,} characters; the limit is {MAX_TEXT_CHARS:,}.")
    if _CONTROL.search(value):
        raise InvalidInput("The post text contains control characters (only newline and tab are allowed).")


def _parse_created(value: object, now: datetime | None) -> datetime:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InvalidInput("The created time must be an ISO 8601 string or Unix seconds.")
    if isinstance(value, int):
        try:
            created = datetime.fromtimestamp(value, tz=UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise InvalidInput(f"The created time {value} is out of range.") from exc
    else:
        try:
            created = datetime.fromisoformat(value.strip())
        except ValueError as exc:
            raise InvalidInput(f"The created time {value!r} is not an ISO 8601 timestamp.") from exc
        if created.utcoffset() is None:
            raise InvalidInput(f"The created time {value!r} has no time zone; add Z or an offset.")
    created = created.astimezone(UTC)
    if created < _EARLIEST:
        raise InvalidInput(f"The created time {created.isoformat()} is before the year 2000.")
    if now is not None and created > now + MAX_CLOCK_SKEW:
        raise InvalidInput(f"The created time {created.isoformat()} is in the future.")
    return created


def parse_post(raw: object, *, now: datetime | None = None) -> Post:
    """Validate one decoded JSON object into a ``Post``; ``now`` enables the future-time check."""
    if not isinstance(raw, Mapping):
        raise InvalidInput("A post must be a JSON object with id, author, text and created.")
    unknown = sorted(str(key) for key in raw if key not in _FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown field(s) {', '.join(unknown)}; a post has only {', '.join(_FIELDS)}.")
    missing = [name for name in _FIELDS if name not in raw]
    if missing:
        raise InvalidInput(f"Missing field(s) {', '.join(missing)}.")
    created = _parse_created(raw["created"], now)
    return Post(id=raw["id"], author=raw["author"], text=raw["text"], created=created)


def _decode_line(line: str) -> Any:
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"not valid JSON ({exc.msg} at column {exc.colno})") from exc


def parse_posts_jsonl(lines: Iterable[str], *, now: datetime | None = None) -> list[Post]:
    """Parse JSON Lines into posts, in file order, or raise ``InvalidInput`` naming every bad line.

    Blank lines are skipped. A post id repeated with identical content is kept once (imports are
    idempotent); repeated with different content it is an error. At most ``MAX_REPORTED_PROBLEMS``
    problems are listed, then a count of the rest.
    """
    posts: dict[str, tuple[int, Post]] = {}
    problems: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            post = parse_post(_decode_line(line), now=now)
        except InvalidInput as exc:
            problems.append(f"line {number}: {exc.message}")
            continue
        seen = posts.get(post.id)
        if seen is None:
            posts[post.id] = (number, post)
        elif seen[1] != post:
            problems.append(
                f"line {number}: post id {post.id!r} already appears on line {seen[0]} with different content."
            )
    if problems:
        shown = problems[:MAX_REPORTED_PROBLEMS]
        if len(problems) > len(shown):
            shown.append(f"... and {len(problems) - len(shown)} more problem(s).")
        raise InvalidInput("The import was refused; nothing was imported.\n" + "\n".join(shown))
    return [post for _, post in posts.values()]
