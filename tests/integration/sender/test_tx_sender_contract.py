"""The promises services rely on, checked on ``FakeTxSender`` and on ``Web3TxSender`` alike."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sender_anvil import ADDRESSES, UowFactory, nonce_of

from governance.adapters.chain.fake_sender import FakeTxSender
from governance.domain.addresses import parse_address
from governance.domain.errors import TransactionRefused, WrongState
from governance.domain.transactions import TxPlan
from governance.ports import TxSender

ALICE = parse_address(ADDRESSES[1])
REFUSED_KEY = "contract:refused"


@dataclass
class Harness:
    sender: TxSender
    executed: Callable[[], Awaitable[int]]  # how many transactions really went out


def plan(key: str, wei: int = 1000) -> TxPlan:
    # the refused key asks for more ETH than any dev account holds, so the real node refuses it too
    value = 10**30 if key == REFUSED_KEY else wei
    return TxPlan("contract test transfer", key, ALICE, value=value)


@pytest.fixture(params=["fake", "web3"])
def harness(request: pytest.FixtureRequest, uow_factory: UowFactory) -> Harness:
    if request.param == "fake":
        fake = FakeTxSender(refuse_keys={REFUSED_KEY})

        async def sent() -> int:
            return len(fake.sent)

        return Harness(fake, sent)
    w3: Any = request.getfixturevalue("w3")
    real = request.getfixturevalue("make_sender")()

    async def mined() -> int:
        return await nonce_of(w3, ADDRESSES[0])

    return Harness(real, mined)


async def test_a_key_executes_once_and_repeats_return_the_same_receipt(harness: Harness) -> None:
    first = await harness.sender.send(plan("contract:once"))
    assert first.succeeded and first.tx_hash.startswith("0x")
    assert await harness.sender.send(plan("contract:once")) == first
    assert await harness.executed() == 1


async def test_a_key_cannot_be_reused_for_another_call(harness: Harness) -> None:
    await harness.sender.send(plan("contract:reuse"))
    with pytest.raises(WrongState):
        await harness.sender.send(plan("contract:reuse", wei=2000))
    assert await harness.executed() == 1


async def test_a_refused_plan_sends_nothing(harness: Harness) -> None:
    with pytest.raises(TransactionRefused):
        await harness.sender.send(plan(REFUSED_KEY))
    assert await harness.executed() == 0
    assert await harness.sender.resume_pending() == []
