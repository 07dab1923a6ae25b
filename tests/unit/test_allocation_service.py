"""The allocation use cases on fakes: suggestion from chain figures, admin proposals, the epoch job."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, cast

import pytest

from governance.adapters.chain.fake_sender import FakeTxSender
from governance.domain.addresses import parse_address
from governance.domain.allocation import TreasuryFigures, allocation_title_prefix, parse_split
from governance.domain.chain_records import ProposalState
from governance.domain.errors import IntegrityError, InvalidInput, WrongState
from governance.domain.proposals import ProposalAction
from governance.domain.transactions import TxPlan
from governance.services import allocation as service
from governance.services.allocation import AllocationDeps
from governance.services.proposals import ProposalDeps

TREASURY = parse_address("0x" + "11" * 20)
GOVERNOR = parse_address("0x" + "22" * 20)
FIGURES = TreasuryFigures(
    reserve_balance=50_000 * 10**6, revenue_history=(9_000 * 10**6, 11_000 * 10**6),
    current_split=(3000, 3000, 1000, 2000, 1000), reserve_floor_bps=1000, epoch_seconds=3600, current_epoch=7,
    op_cost_per_epoch=2_000 * 10**6,
)


@dataclass(frozen=True)
class FakeAdvice:
    proposed_bps: tuple[int, ...]
    source: str = "best fixed"
    decision_reason: str = "the policy breached the runway floor in 3 held-out epochs"


@dataclass
class FakeAdvisor:
    split: tuple[int, ...] = (2500, 2500, 1000, 2500, 1500)
    seen: list[TreasuryFigures] = field(default_factory=list)

    def suggest(self, figures: TreasuryFigures) -> FakeAdvice:
        self.seen.append(figures)
        return FakeAdvice(self.split)


class BrokenAdvisor:
    def suggest(self, figures: TreasuryFigures) -> FakeAdvice:
        raise IntegrityError("The allocation advisor is off: model_card.json does not match its recorded SHA-256.")


@dataclass
class FakeTreasury:
    figures_now: TreasuryFigures = FIGURES
    asked: list[tuple[int, int]] = field(default_factory=list)

    async def figures(self, history_epochs: int, op_cost_per_epoch: int) -> TreasuryFigures:
        self.asked.append((history_epochs, op_cost_per_epoch))
        return replace(self.figures_now, op_cost_per_epoch=op_cost_per_epoch)

    def allocation_action(self, split: Sequence[int]) -> ProposalAction:
        return ProposalAction(TREASURY, 0, b"setAllocation" + bytes(str(tuple(split)), "ascii"))


@dataclass
class FakeGovernor:
    """Enough of ``GovernanceChain`` for proposing: ids from the description, state once proposed."""

    proposed: dict[int, str] = field(default_factory=dict)

    def proposal_id(self, actions: Sequence[ProposalAction], description: str) -> int:
        blob = b"".join(a.calldata for a in actions) + description.encode()
        return int.from_bytes(hashlib.sha256(blob).digest(), "big")

    async def proposal_state(self, proposal_id: int) -> ProposalState | None:
        return ProposalState.PENDING if proposal_id in self.proposed else None

    def governor_plan(self, step: str, actions: Sequence[ProposalAction], description: str) -> TxPlan:
        proposal_id = self.proposal_id(actions, description)
        self.proposed[proposal_id] = description
        return TxPlan(purpose=f"{step} {proposal_id}"[:200], key=f"governor:{step}:{proposal_id}"[:200], to=GOVERNOR,
                      data=actions[0].calldata + description.encode(), role="proposer")


@dataclass(frozen=True)
class Titled:
    title: str


@dataclass
class FakeBook:
    titles: list[str] = field(default_factory=list)

    async def recent(self, limit: int = 10) -> list[Titled]:
        return [Titled(t) for t in self.titles[:limit]]


@dataclass
class World:
    deps: AllocationDeps[Any]
    advisor: FakeAdvisor
    governor: FakeGovernor
    sender: FakeTxSender
    book: FakeBook


@pytest.fixture
def world() -> World:
    advisor, governor, sender, book = FakeAdvisor(), FakeGovernor(), FakeTxSender(), FakeBook()
    proposals = ProposalDeps(
        chain_id=31337, book=cast(Any, book), chain=cast(Any, governor), sender=sender,
        wallets=cast(Any, None), uow_factory=cast(Any, None), clock=cast(Any, None),
    )
    deps = AllocationDeps(
        treasury=FakeTreasury(), advisor=advisor, proposals=proposals, op_cost_per_epoch=2_000 * 10**6
    )
    return World(deps, advisor, governor, sender, book)


async def test_the_suggestion_is_built_from_chain_figures_and_the_operating_cost_setting(world: World) -> None:
    advised = await service.suggest(world.deps)
    assert advised.advice.proposed_bps == (2500, 2500, 1000, 2500, 1500)
    assert world.advisor.seen == [FIGURES]
    assert cast(FakeTreasury, world.deps.treasury).asked == [(service.HISTORY_EPOCHS, 2_000 * 10**6)]


async def test_an_admin_proposal_calls_set_allocation_through_the_proposer_key(world: World) -> None:
    done = await service.propose_allocation(world.deps, "admin carol (3)", shown=(2500, 2500, 1000, 2500, 1500))
    [plan] = world.sender.sent
    assert plan.role == "proposer" and plan.data.startswith(b"setAllocation(2500, 2500, 1000, 2500, 1500)")
    title = done.description.splitlines()[0]
    assert title.startswith(f"# {allocation_title_prefix(7)}: member dividends 25.00%")
    assert "admin carol (3)" in done.description and "reserve: 20.00% -> 25.00%" in done.description
    assert "best fixed split (the policy is advisory)" in done.description
    assert "runway floor in 3 held-out epochs" in done.description
    with pytest.raises(WrongState, match="already submitted"):
        await service.propose_allocation(world.deps, "admin carol (3)")
    assert len(world.sender.sent) == 1


async def test_a_stale_button_proposes_nothing(world: World) -> None:
    with pytest.raises(WrongState, match="changed since it was shown"):
        await service.propose_allocation(world.deps, "admin carol (3)", shown=(2000, 2000, 2000, 2000, 2000))
    assert world.sender.sent == []


@pytest.mark.parametrize(
    ("split", "error", "words"),
    [
        ((3000, 3000, 1000, 2000, 1000), WrongState, "already on chain"),
        ((3500, 3500, 1000, 500, 1500), WrongState, "below the Treasury's reserve floor"),
        ((3000, 3000, 1000, 2000, 999), InvalidInput, "add up to 10,000"),
    ],
)
async def test_splits_the_treasury_would_refuse_or_that_change_nothing_are_not_proposed(
    world: World, split: tuple[int, ...], error: type[Exception], words: str
) -> None:
    world.advisor.split = split
    with pytest.raises(error, match=words):
        await service.propose_allocation(world.deps, "admin carol (3)")
    assert world.sender.sent == []


async def test_a_broken_advisor_refuses_with_its_reason_and_proposes_nothing(world: World) -> None:
    deps = replace(world.deps, advisor=BrokenAdvisor())
    with pytest.raises(IntegrityError, match="does not match its recorded SHA-256"):
        await service.suggest(deps)
    with pytest.raises(IntegrityError):
        await service.propose_allocation(deps, "admin carol (3)")
    assert await service.propose_for_epoch(deps) is None
    assert world.sender.sent == []


async def test_the_epoch_job_proposes_once_per_epoch(world: World) -> None:
    first = await service.propose_for_epoch(world.deps)
    assert first is not None and "by the epoch job" in first.description
    world.book.titles.append(first.description.splitlines()[0].lstrip("# "))
    assert await service.propose_for_epoch(world.deps) is None
    assert len(world.sender.sent) == 1


async def test_the_epoch_job_skips_an_epoch_an_admin_already_proposed_for_and_a_split_that_changes_nothing(
    world: World,
) -> None:
    world.book.titles.append(f"{allocation_title_prefix(7)}: member dividends 25.00%, ...")
    assert await service.propose_for_epoch(world.deps) is None
    world.book.titles.clear()
    world.advisor.split = FIGURES.current_split
    assert await service.propose_for_epoch(world.deps) is None
    assert world.sender.sent == []


def test_a_split_on_a_button_is_parsed_strictly() -> None:
    assert parse_split("2500-2500-1000-2500-1500") == (2500, 2500, 1000, 2500, 1500)
    for bad in ("2500-2500-1000-2500", "a-b-c-d-e", "1-2-3-4-5-6", "123456-0-0-0-0"):
        with pytest.raises(InvalidInput):
            parse_split(bad)
