"""Steps shared by the proposal e2e tests: link and delegate, list a classifier as the timelock would,
find a proposal's live message, vote through Discord and the signing page."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Any

from dao_harness import Dao, Person

from bot.runtime import DEFAULT_FEATURES
from bot.sandbox.state import MessageRecord

FEATURES = tuple(dict.fromkeys((*DEFAULT_FEATURES, "bot.features.watcher", "bot.features.proposals")))
FAST = {"reminder_seconds_before_deadline": 12, "seconds_per_block": 1.0}
MODEL_HASH = "0x" + "ab" * 32


def link_url(text: str) -> str:
    match = re.search(r"(http://\S+/sign/[A-Za-z0-9_-]+)", text)
    assert match, text
    return match.group(1)


async def link_and_delegate(dao: Dao, person: Person) -> None:
    for _attempt in range(3):
        reply = await (await person.discord.slash("link")).response(timeout=15)
        linked = await dao.sign_on_page(person, link_url(reply.content))
        if linked["status"] != 500:  # 500: SQLite refused a write racing the watcher; a member asks again
            break
    assert linked["status"] == 200, linked
    if linked.get("next_url"):
        delegated = await dao.sign_on_page(person, linked["next_url"])
        assert delegated["status"] == 200, delegated


def list_classifier_as_timelock(dao: Dao, name: str, owner: str) -> int:
    """Setup only: list a classifier directly from the timelock (anvil impersonation)."""
    timelock = dao.c.timelock.address
    dao.w3.provider.make_request("anvil_impersonateAccount", [timelock])  # type: ignore[arg-type]
    dao.w3.provider.make_request("anvil_setBalance", [timelock, hex(10**20)])  # type: ignore[arg-type]
    dao.c.registry.functions.list(name, owner, bytes.fromhex(MODEL_HASH[2:]), "ipfs://card", 1000).transact(
        {"from": timelock}
    )
    dao.w3.provider.make_request("anvil_stopImpersonatingAccount", [timelock])  # type: ignore[arg-type]
    return int(dao.c.registry.functions.classifierCount().call())


def fields(message: MessageRecord) -> dict[str, str]:
    return {f["name"]: f["value"] for f in message.embeds[0].get("fields", [])} if message.embeds else {}


def custom_ids(message: MessageRecord) -> list[str]:
    return [c["custom_id"] for row in message.components for c in row.get("components", []) if "custom_id" in c]


async def live_message(dao: Dao, proposal_id: int, timeout: float = 20) -> MessageRecord:
    def match(m: MessageRecord) -> bool:
        return bool(m.embeds) and str(proposal_id) in fields(m).get("Proposal id", "")

    return await dao.sandbox.wait_for_message(match, channel="proposals", timeout=timeout)


async def until(predicate: Callable[[], Any], timeout: float = 30, what: str = "condition") -> Any:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


async def vote_by_button(dao: Dao, person: Person, message: MessageRecord, choice: str, proposal_id: int) -> str:
    result = await person.discord.click(message, f"vote:{choice}:{proposal_id}")
    reply = await result.response(timeout=15)
    assert reply.ephemeral, "the signing link is shown to the voter only"
    done = await dao.sign_on_page(person, link_url(reply.content))
    assert done["status"] == 200 and done["tx_hash"], done
    return str(done["tx_hash"])


def proposal_id_in(text: str) -> int:
    match = re.search(r"Proposal id `(\d+)`", text)
    assert match, text
    return int(match.group(1))
