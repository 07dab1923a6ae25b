"""The Snapshot bridge end to end: the Discord sandbox, the bot's runtime, a local Snapshot hub
(with its verifying sequencer) and, for the vote itself, the signing page in headless Chromium.

A member lists the space's proposals, votes from Discord, signs on the page, and the hub records
the vote; the announcement in the proposals channel is edited as the scores change. Refusals
(wrong choice, after the end, a wallet that is not the linked one, the hub down) answer clearly
and leave the hub's votes as they were.
"""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from dao_harness import Dao, Person, running_dao
from playwright.async_api import async_playwright
from test_signing_page_browser import CHROMIUM_ARGS, PROVIDER, InjectedWallet

from bot.runtime import DEFAULT_FEATURES
from bot.sandbox.state import MessageRecord
from governance.adapters.snapshot import SnapshotHubClient
from governance.adapters.snapshot.testing import LocalProposal, LocalSnapshotHub
from governance.domain.snapshot import VotingType

SPACE = "farm-dao.eth"
FEATURES = tuple(dict.fromkeys((*DEFAULT_FEATURES, "bot.features.snapshot")))  # on, but only with a space


def _link_url(text: str) -> str:
    match = re.search(r"(http://\S+/sign/[A-Za-z0-9_-]+)", text)
    assert match, text
    return match.group(1)


@asynccontextmanager
async def snapshot_dao(tmp_path: Path) -> AsyncIterator[tuple[Dao, LocalSnapshotHub, dict[str, LocalProposal]]]:
    now = int(time.time())
    async with LocalSnapshotHub() as hub:
        hub.add_space(SPACE)
        proposals = {
            "budget": hub.add_proposal(SPACE, title="Fund the moderation bounty pool", body="Raise it to 15%.",
                                       choices=("For", "Against", "Abstain"), start=now - 60, end=now + 3 * 3600),
            "order": hub.add_proposal(SPACE, title="Order of next classifier audits",
                                      choices=("Toxicity", "Spam", "Nudity"),
                                      voting_type=VotingType.RANKED_CHOICE, start=now - 60, end=now + 3600),
            "old": hub.add_proposal(SPACE, title="Adopt the moderation charter", choices=("Yes", "No"),
                                    start=now - 7200, end=now - 3600),
        }
        settings = {"snapshot_space": SPACE, "snapshot_hub_url": hub.hub_url,
                    "snapshot_sequencer_url": hub.sequencer_url, "snapshot_poll_seconds": 0.3}
        async with running_dao(tmp_path, features=FEATURES, settings=settings) as dao:
            for name, vp in (("alice", Decimal("1234.5")), ("bob", Decimal(300))):
                hub.set_voting_power(SPACE, dao[name].address, vp)
            yield dao, hub, proposals


async def _link(dao: Dao, person: Person) -> None:
    reply = await (await person.discord.slash("link")).response(timeout=10)
    linked = await dao.sign_on_page(person, _link_url(reply.content))
    assert linked["status"] == 200 and linked["wallet"] == person.address


async def _vote(person: Person, proposal: str, choice: str, reason: str | None = None) -> MessageRecord:
    options = {"proposal": proposal, "choice": choice, **({"reason": reason} if reason else {})}
    reply = await (await person.discord.slash(("snapshot", "vote"), options)).response(timeout=15)
    assert reply.ephemeral, "votes are answered to the member only"
    return reply


def _announcement(dao: Dao, proposal: LocalProposal) -> Any:
    def match(message: MessageRecord) -> bool:
        return bool(message.embeds) and message.embeds[0].get("title") == proposal.title

    return dao.sandbox.wait_for_message(match, channel="proposals", timeout=10)


async def test_member_votes_on_snapshot_from_discord_in_chromium(tmp_path: Path, chromium_bin: str) -> None:
    async with snapshot_dao(tmp_path) as (dao, hub, proposals):
        alice, budget = dao["alice"], proposals["budget"]
        announced = await _announcement(dao, budget)
        assert "**Open**" in announced.embeds[0]["description"] and "0 votes" in announced.embeds[0]["description"]
        await _announcement(dao, proposals["old"])  # recently closed: announced with its result
        await _link(dao, alice)

        listing = await (await alice.discord.slash(("snapshot", "proposals"))).response(timeout=15)
        shown = {e["title"]: e["description"] for e in listing.embeds}
        assert set(shown) == {budget.title, proposals["order"].title, proposals["old"].title}
        assert "**1. For**: 0 (0%)" in shown[budget.title] and "**2. Against**" in shown[budget.title]
        assert re.search(r"voting ends <t:\d+:R> \(2 h 5\d min left\)", shown[budget.title]), shown[budget.title]
        assert "**Closed**" in shown[proposals["old"].title]

        reply = await _vote(alice, budget.id[:12], "against", reason="Too early for this")
        assert "**Against**" in reply.content and "as Snapshot reports it: **1,234.5**" in reply.content
        url = _link_url(reply.content)

        wallet = InjectedWallet(account=alice.address, key="0x" + alice.key.key.hex().removeprefix("0x"))
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=chromium_bin, args=CHROMIUM_ARGS)
            page = await browser.new_page()
            page.set_default_timeout(15_000)
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            await page.expose_function("daobotInjectedWallet", wallet.handle)
            await page.add_init_script(PROVIDER)
            await page.goto(url)
            assert await page.locator("#title").inner_text() == "Cast your Snapshot vote"
            await page.locator("#connect:enabled").click()
            await page.locator("#sign:enabled").wait_for()
            details = await page.locator("#details").inner_text()
            assert budget.title in details and "Against" in details and "1,234.5" in details
            await page.locator("#sign").click()
            done = await page.locator("#status.ok, #status.bad").inner_text()
            await page.screenshot(path="/tmp/daobot-sign-snapshot-done.png", full_page=True)
            await browser.close()
        assert done.startswith(f"Done: Vote “Against” on the Snapshot proposal “{budget.title}”."), done
        assert "Snapshot receipt: 0x" in done and "IPFS: bafylocal" in done
        assert errors == []
        assert "eth_chainId" not in wallet.calls, "Snapshot's domain has no chainId: no chain switch is asked"

        (stored,) = hub.votes_on(budget.id)
        assert (stored.voter, stored.choice, stored.vp, stored.reason) == (alice.address, 2, Decimal("1234.5"),
                                                                           "Too early for this")
        async with SnapshotHubClient(hub_url=hub.hub_url, sequencer_url=hub.sequencer_url) as client:
            (reported,) = await client.votes(budget.id)
            assert reported.voter == alice.address and reported.choice == 2
            assert (await client.proposal(budget.id)).votes == 1  # type: ignore[union-attr]

        def edited(message: MessageRecord) -> bool:
            text = message.embeds[0].get("description", "") if message.embeds else ""
            return message.id == announced.id and "1 vote " in text and "**2. Against**: 1,234.5 (100.0%)" in text

        await dao.sandbox.wait_for_message(edited, channel="proposals", timeout=10)
        titles = [m.embeds[0]["title"] for m in dao.sandbox.messages("proposals") if m.embeds]
        assert titles.count(budget.title) == 1, "score updates edit the one announcement"


def _votes(hub: LocalSnapshotHub) -> dict[str, list[Any]]:
    return {pid: list(hub.votes_on(pid)) for pid in hub.state.proposals}


async def test_refusals_are_clear_and_record_nothing(tmp_path: Path) -> None:
    async with snapshot_dao(tmp_path) as (dao, hub, proposals):
        bob, dave = dao["bob"], dao["dave"]
        budget, order, old = proposals["budget"], proposals["order"], proposals["old"]
        before = _votes(hub)
        for announced in (budget, order, old):
            await _announcement(dao, announced)

        unlinked = await _vote(dave, budget.id, "For")
        assert "Link your wallet first" in unlinked.content
        await _link(dao, bob)

        wrong = await _vote(bob, budget.id, "Maybe")
        assert "“Maybe” is not one of the choices: 1. For, 2. Against, 3. Abstain." in wrong.content
        assert "“7” is not one of the choices" in (await _vote(bob, budget.id, "7")).content
        partial = await _vote(bob, order.id, "Spam, Toxicity")
        assert "rank all 3 choices, each exactly once" in partial.content
        ended = await _vote(bob, old.id, "Yes")
        assert ended.content == f"Voting on “{old.title}” has ended."
        unknown = await _vote(bob, "0xdeadbeef", "For")
        assert f"no proposal “0xdeadbeef” in the Snapshot space {SPACE}" in unknown.content

        # Signed by another wallet than bob's linked one: refused on the page; the link stays usable.
        url = _link_url((await _vote(bob, budget.id, "For")).content)
        forged = await dao.sign_on_page(bob, url, key=dave.key, claim=bob.address)
        assert forged["status"] == 403
        assert forged["error"].startswith(f"The vote was signed by {dave.address[:6]}…"), forged
        assert f"not by your linked wallet {bob.address[:6]}…" in forged["error"]

        # The voting window closes between the link and the signature: Snapshot refuses.
        hub.state.move_proposal(budget.id, end=int(time.time()) - 1)
        late = await dao.sign_on_page(bob, url)
        assert late["status"] == 409 and "not open for voting" in late["error"]
        hub.state.move_proposal(budget.id, end=int(time.time()) + 3600)

        # The hub is down: a clear message, nothing recorded, and the same link works once it is back.
        port = int(hub.hub_url.split(":")[2].split("/")[0])
        url = _link_url((await _vote(bob, budget.id, "For")).content)
        await hub.stop()
        down = await dao.sign_on_page(bob, url)
        assert down["status"] == 502 and "is unreachable right now" in down["error"], down
        assert "is unreachable right now" in (await _vote(bob, budget.id, "For")).content
        assert _votes(hub) == before
        await hub.start(port=port)
        accepted = await dao.sign_on_page(bob, url)
        assert accepted["status"] == 200 and accepted["receipt"][0][0] == "Snapshot receipt"
        assert [(v.voter, v.choice) for v in hub.votes_on(budget.id)] == [(bob.address, 1)]
        assert _votes(hub)[order.id] == before[order.id] and _votes(hub)[old.id] == before[old.id]
        replay = await dao.sign_on_page(bob, url)
        assert replay["status"] == 403 and "already used" in replay["error"]


pytestmark = [pytest.mark.anvil, pytest.mark.chromium]
