"""Snapshot's scores for each voting type, in ``Decimal`` (Snapshot computes the same in floats).

``scores_total`` is the voting power of every ballot, as Snapshot reports it; invalid ballots
count there but in no choice's score. Ranked-choice is instant runoff as snapshot.js runs it:
rounds until a choice holds more than half, or fewer than three remain, eliminating the
weakest (the lowest-numbered on a tie); the scores are the last round's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from governance.domain.snapshot.choices import VotingType, choice_problem

__all__ = ["Ballot", "tally"]

Ballot = tuple[object, Decimal]
"""A choice (a ``Choice`` or its JSON value) and the voter's voting power."""


def _weights(choice: object) -> dict[int, Decimal]:
    assert isinstance(choice, Mapping)
    return {int(k): Decimal(str(v)) for k, v in choice.items()}


def _plain(voting_type: VotingType, count: int, ballots: Sequence[Ballot]) -> list[Decimal]:
    scores = [Decimal(0)] * count
    for choice, vp in ballots:
        picked = choice if isinstance(choice, list | tuple) else [choice]
        for position in picked:
            assert isinstance(position, int)
            scores[position - 1] += vp
    return scores


def _weighted(count: int, ballots: Sequence[Ballot]) -> list[Decimal]:
    scores = [Decimal(0)] * count
    for choice, vp in ballots:
        weights = _weights(choice)
        whole = sum(weights.values())
        for position, weight in weights.items():
            scores[position - 1] += weight / whole * vp
    return scores


def _quadratic(count: int, ballots: Sequence[Ballot]) -> list[Decimal]:
    roots = [Decimal(0)] * count
    for choice, vp in ballots:
        weights = _weights(choice)
        whole = sum(weights.values())
        for position, weight in weights.items():
            roots[position - 1] += (weight / whole * vp).sqrt()
    squares = [r * r for r in roots]
    valid_total, squares_total = sum((vp for _, vp in ballots), Decimal(0)), sum(squares, Decimal(0))
    return [s / squares_total * valid_total if squares_total else Decimal(0) for s in squares]


def _ranked(count: int, ballots: Sequence[Ballot]) -> list[Decimal]:
    rankings = [([int(c) for c in choice], vp) for choice, vp in ballots if isinstance(choice, list | tuple)]
    counts: dict[int, Decimal] = {}
    while rankings:
        counts = {}
        for ranking, vp in sorted(rankings, key=lambda r: r[0][0]):
            counts[ranking[0]] = counts.get(ranking[0], Decimal(0)) + vp
        total = sum(vp for _, vp in rankings)
        if max(counts.values()) > total / 2 or len(counts) < 3:
            break
        weakest = min(sorted(counts), key=lambda c: counts[c])
        rankings = [([c for c in r if c != weakest], vp) for r, vp in rankings]
        rankings = [(r, vp) for r, vp in rankings if r]
    return [counts.get(position, Decimal(0)) for position in range(1, count + 1)]


def tally(voting_type: VotingType, choices: Sequence[str], ballots: Sequence[Ballot]) -> tuple[
    tuple[Decimal, ...], Decimal
]:
    """``(scores per choice, scores_total)`` for ``ballots`` on a proposal with ``choices``."""
    total = sum((vp for _, vp in ballots), Decimal(0))
    valid = [(c, vp) for c, vp in ballots if choice_problem(voting_type, c, choices) is None]
    count = len(choices)
    if voting_type is VotingType.WEIGHTED:
        scores = _weighted(count, valid)
    elif voting_type is VotingType.QUADRATIC:
        scores = _quadratic(count, valid)
    elif voting_type is VotingType.RANKED_CHOICE:
        scores = _ranked(count, valid)
    else:
        scores = _plain(voting_type, count, valid)
    return tuple(scores), total
