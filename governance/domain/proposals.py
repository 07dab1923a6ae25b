"""Governor proposals as members read them: state in plain words, quorum progress, time left, and
the checks made before a member gets a link to vote. Values and rules only, no I/O.

Quorum follows OpenZeppelin's ``GovernorCountingSimple``: *for* and *abstain* votes count toward
quorum, *against* votes do not; a proposal passes when quorum is reached and *for* beats *against*.
Abstaining therefore helps a proposal reach quorum without supporting it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from governance.domain.addresses import Address
from governance.domain.chain_records import ProposalState, ProposalView, Tally
from governance.domain.errors import InvalidInput, NotFound, WrongState
from governance.domain.typed_data import Support

__all__ = [
    "ProposalAction",
    "QuorumProgress",
    "blocks_left",
    "ensure_votable",
    "explain_quorum",
    "parse_proposal_id",
    "parse_support",
    "state_words",
    "time_left_words",
]

_STATE_WORDS: dict[ProposalState, str] = {
    ProposalState.PENDING: "announced; voting has not opened yet",
    ProposalState.ACTIVE: "open for voting",
    ProposalState.CANCELED: "canceled",
    ProposalState.DEFEATED: "rejected: it did not pass",
    ProposalState.SUCCEEDED: "passed; waiting to be queued in the timelock",
    ProposalState.QUEUED: "passed and queued in the timelock; it runs once the delay is over",
    ProposalState.EXPIRED: "passed but expired before it was executed",
    ProposalState.EXECUTED: "passed and executed",
}
_DIGITS = re.compile(r"^\s*#?\s*([0-9]{1,78})\s*$")
_SUPPORT_WORDS = {"for": Support.FOR, "against": Support.AGAINST, "abstain": Support.ABSTAIN}


@dataclass(frozen=True)
class ProposalAction:
    """One call a proposal makes through the timelock."""

    target: Address
    value: int
    calldata: bytes


def state_words(state: ProposalState) -> str:
    return _STATE_WORDS[state]


def parse_proposal_id(text: str) -> int:
    """A proposal id as members paste it (decimal, optionally after ``#``); ``InvalidInput`` otherwise."""
    match = _DIGITS.match(text or "")
    value = int(match.group(1)) if match else -1
    if not 0 < value < 2**256:
        raise InvalidInput("That is not a proposal id. Pick one from /proposals (the long number).")
    return value


def parse_support(word: str) -> Support:
    try:
        return _SUPPORT_WORDS[word.strip().lower()]
    except KeyError:
        raise InvalidInput("A vote is one of: for, against, abstain.") from None


def ensure_votable(proposal_id: int, state: ProposalState | None) -> None:
    """Refuse a vote link unless the Governor says the proposal is open for voting now."""
    if state is None:
        raise NotFound(f"There is no proposal {proposal_id} on the Governor. Check /proposals.")
    if state is ProposalState.PENDING:
        raise WrongState("Voting on this proposal has not opened yet. Try again in a little while.")
    if state is not ProposalState.ACTIVE:
        raise WrongState(f"Voting on this proposal is closed: it is {state_words(state)}. Nothing was changed.")


@dataclass(frozen=True)
class QuorumProgress:
    counted: int  # for + abstain
    needed: int | None

    @property
    def reached(self) -> bool:
        return self.needed is not None and self.counted >= self.needed

    @property
    def missing(self) -> int:
        return 0 if self.needed is None else max(0, self.needed - self.counted)

    @property
    def percent(self) -> int:
        if not self.needed:
            return 100 if self.needed == 0 else 0
        return min(100, self.counted * 100 // self.needed)

    @classmethod
    def of(cls, tally: Tally, quorum: int | None) -> QuorumProgress:
        return cls(tally.votes_for + tally.votes_abstain, quorum)


def explain_quorum(progress: QuorumProgress, amount: Callable[[int], str]) -> str:
    """Plain words: how far the proposal is from quorum, and what counts toward it."""
    rule = "For and abstain votes count toward quorum; against votes do not."
    if progress.needed is None:
        return f"Quorum is fixed when voting opens. {rule}"
    if progress.reached:
        head = f"Quorum reached: {amount(progress.counted)} of {amount(progress.needed)} votes needed."
    else:
        head = (
            f"Quorum: {amount(progress.counted)} of {amount(progress.needed)} votes ({progress.percent}%); "
            f"{amount(progress.missing)} more for or abstain votes needed."
        )
    return f"{head} {rule} Abstaining helps reach quorum without supporting the proposal."


def blocks_left(view: ProposalView, clock: int) -> int:
    """Blocks until the deadline (the Governor counts blocks; voting is open through ``vote_end``)."""
    return max(0, view.vote_end - clock)


def time_left_words(blocks: int, seconds_per_block: float) -> str:
    if blocks <= 0:
        return "voting has ended"
    seconds = int(blocks * seconds_per_block)
    if seconds >= 2 * 86_400:
        rough = f"about {seconds // 86_400} days"
    elif seconds >= 2 * 3_600:
        rough = f"about {seconds // 3_600} hours"
    elif seconds >= 120:
        rough = f"about {seconds // 60} minutes"
    else:
        rough = "less than 2 minutes"
    return f"{rough} left ({blocks} blocks)"
