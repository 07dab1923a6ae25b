"""Voting types and ballot choices of Snapshot, checked the way Snapshot checks them.

``choice_problem`` mirrors snapshot.js's ``isValidChoice`` for each voting type (the check
the sequencer runs), but names what is wrong in words a member understands.
``parse_choice_text`` turns what a member typed in Discord into a ``Choice``.

Choices are 1-based positions, as on Snapshot.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from enum import StrEnum

from governance.domain.errors import InvalidInput

__all__ = [
    "Choice",
    "VotingType",
    "choice_problem",
    "describe_choice",
    "parse_choice_text",
    "parse_voting_type",
    "validate_choice",
]

Choice = int | tuple[int, ...] | Mapping[int, int]
"""single-choice/basic: a position; approval/ranked-choice: positions;
weighted/quadratic: position → weight."""

_NUMBER = re.compile(r"^[0-9]+$")
_SEPARATORS = re.compile(r"[,;]")


class VotingType(StrEnum):
    SINGLE_CHOICE = "single-choice"
    APPROVAL = "approval"
    QUADRATIC = "quadratic"
    RANKED_CHOICE = "ranked-choice"
    WEIGHTED = "weighted"
    BASIC = "basic"

    @property
    def takes_list(self) -> bool:
        return self in (VotingType.APPROVAL, VotingType.RANKED_CHOICE)

    @property
    def takes_weights(self) -> bool:
        return self in (VotingType.WEIGHTED, VotingType.QUADRATIC)


def parse_voting_type(text: str) -> VotingType:
    try:
        return VotingType(text)
    except ValueError:
        raise InvalidInput(f"The voting type “{text}” is not supported here.") from None


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return _is_int(value) or (isinstance(value, float | Decimal) and value == value)


def _position_problem(value: object, count: int) -> str | None:
    if not _is_int(value):
        return "a choice must be given by its number"
    assert isinstance(value, int)
    if not 1 <= value <= count:
        return f"choice {value} does not exist (this proposal has choices 1 to {count})"
    return None


def _positions_problem(value: object, count: int) -> str | None:
    if not isinstance(value, list | tuple):
        return "this proposal takes a list of choices"
    for item in value:
        problem = _position_problem(item, count)
        if problem:
            return problem
    if len(set(value)) != len(value):
        return "a choice appears more than once"
    return None


def _ranking_problem(value: object, count: int) -> str | None:
    problem = _positions_problem(value, count)
    if problem:
        return problem
    assert isinstance(value, list | tuple)
    if len(value) != count:
        return f"rank all {count} choices, each exactly once"
    return None


def _weight_key(key: object) -> object:
    if isinstance(key, str):
        return int(key) if _NUMBER.match(key) else key
    return key


def _weights_problem(value: object, count: int) -> str | None:
    if not isinstance(value, Mapping) or not value:
        return "give at least one choice a weight"
    for key, weight in value.items():
        problem = _position_problem(_weight_key(key), count)
        if problem:
            return problem
        if not _is_number(weight) or weight < 0:
            return "weights must be numbers of zero or more"
    if not any(weight > 0 for weight in value.values()):
        return "at least one weight must be above zero"
    return None


def choice_problem(voting_type: VotingType, choice: object, choices: Sequence[str]) -> str | None:
    """What is wrong with ``choice`` on a proposal with ``choices``, or ``None`` when Snapshot accepts it.

    ``choice`` may be a ``Choice`` or the raw JSON value a sequencer receives.
    As on Snapshot, an empty approval ballot is valid (it approves nothing but counts as a vote).
    """
    count = len(choices)
    if voting_type.takes_weights:
        return _weights_problem(choice, count)
    if voting_type is VotingType.RANKED_CHOICE:
        return _ranking_problem(choice, count)
    if voting_type is VotingType.APPROVAL:
        return _positions_problem(choice, count)
    return _position_problem(choice, count)


def validate_choice(voting_type: VotingType, choice: object, choices: Sequence[str]) -> None:
    problem = choice_problem(voting_type, choice, choices)
    if problem:
        raise InvalidInput(f"That vote is not valid: {problem}.")


def _named(text: str, choices: Sequence[str]) -> list[int]:
    wanted = text.strip().casefold()
    return [i for i, name in enumerate(choices, start=1) if name.strip().casefold() == wanted]


def _resolve(token: str, choices: Sequence[str]) -> int:
    text = token.strip()
    if _NUMBER.match(text) and 1 <= int(text) <= len(choices):
        return int(text)
    matches = _named(text, choices)
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise InvalidInput(f"“{text}” names more than one choice; use its number instead.")
    listing = ", ".join(f"{i}. {name}" for i, name in enumerate(choices, start=1))
    raise InvalidInput(f"“{text}” is not one of the choices: {listing}.")


def _tokens(text: str) -> list[str]:
    return [part for part in (p.strip() for p in _SEPARATORS.split(text)) if part]


def _parse_weight(part: str, choices: Sequence[str]) -> tuple[int, int]:
    name, sep, amount = max(part.rpartition(":"), part.rpartition("="), key=lambda t: len(t[0]))
    if not sep or not _NUMBER.match(amount.strip()):
        raise InvalidInput(f"“{part}” needs a whole-number weight, like “{choices[0]}: 3”.")
    return _resolve(name, choices), int(amount.strip())


def _parse_weights(text: str, choices: Sequence[str]) -> dict[int, int]:
    weights: dict[int, int] = {}
    for part in _tokens(text):
        position, amount = _parse_weight(part, choices)
        if position in weights:
            raise InvalidInput(f"Choice {position} is weighted twice.")
        weights[position] = amount
    return weights


def parse_choice_text(voting_type: VotingType, text: str, choices: Sequence[str]) -> Choice:
    """Read a member's ballot: choice numbers or names; lists separated by commas; weights as ``name: 3``."""
    if not text.strip():
        raise InvalidInput("Say which choice you vote for.")
    choice: Choice
    if voting_type.takes_weights:
        choice = _parse_weights(text, choices)
    elif voting_type.takes_list:
        whole = _named(text, choices)
        choice = tuple(whole) if len(whole) == 1 else tuple(_resolve(t, choices) for t in _tokens(text))
    else:
        choice = _resolve(text, choices)
    validate_choice(voting_type, choice, choices)
    return choice


def describe_choice(choice: Choice, choices: Sequence[str]) -> str:
    """The ballot in words, for a confirmation message."""

    def name(position: int) -> str:
        return choices[position - 1] if 1 <= position <= len(choices) else f"#{position}"

    if isinstance(choice, int):
        return name(choice)
    if isinstance(choice, tuple):
        return ", ".join(name(p) for p in choice) or "(no choice)"
    return ", ".join(f"{name(p)}: {w}" for p, w in sorted(choice.items()))
