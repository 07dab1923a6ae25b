"""The whole delisting story through Discord: an admin proposes, three members vote with their own
wallets, the proposal passes, the bot queues and executes it, the registry shows the classifier
delisted, and every notification reached members exactly once."""

from __future__ import annotations

import asyncio
from pathlib import Path

from dao_harness import running_dao
from proposal_steps import (
    FAST,
    FEATURES,
    custom_ids,
    fields,
    link_and_delegate,
    list_classifier_as_timelock,
    live_message,
    proposal_id_in,
    until,
    vote_by_button,
)


def _announcements(dao, proposal_title: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [m.content for m in dao.sandbox.messages("proposals") if m.content and proposal_title in m.content]


async def test_admin_delists_a_classifier_through_a_vote(tmp_path: Path) -> None:
    async with running_dao(tmp_path, features=FEATURES, settings=FAST) as dao:
        classifier_id = list_classifier_as_timelock(dao, "spam-detector", dao["dave"].address)
        voters = [dao["alice"], dao["bob"], dao["carol"]]
        for person in voters:
            await link_and_delegate(dao, person)

        reply = await (await dao["carol"].discord.slash(
            "classifier delist", classifier_id=classifier_id, reason="Labels honest posts as spam"
        )).response(timeout=30)
        proposal_id = proposal_id_in(reply.content)
        message = await live_message(dao, proposal_id)
        assert "Delist classifier 1: spam-detector" in message.embeds[0]["title"]
        assert "carol" in message.embeds[0]["description"] and "Labels honest posts as spam" in \
            message.embeds[0]["description"]

        dao.mine(2)
        await until(lambda: fields(message).get("State") == "open for voting", what="voting to open")
        assert custom_ids(message) == [f"vote:{c}:{proposal_id}" for c in ("for", "against", "abstain")]
        for person, choice in zip(voters, ("for", "for", "abstain"), strict=True):
            await vote_by_button(dao, person, message, choice, proposal_id)
        await until(lambda: fields(message).get("Abstain") == "200,000.00", what="the tally edit")
        assert fields(message)["For"] == "700,000.00" and "Quorum reached" in fields(message)["Quorum"]
        assert dao.c.governor.functions.hasVoted(proposal_id, dao["alice"].address).call()
        assert message.attachments and message.attachments[0].filename == "tally.png"

        dao.mine(21)
        await until(lambda: dao.c.governor.functions.state(proposal_id).call() == 5, what="the bot to queue")
        dao.advance(61)
        await until(lambda: dao.c.governor.functions.state(proposal_id).call() == 7, what="the bot to execute")
        assert dao.c.registry.functions.isListed(classifier_id).call() is False

        await until(lambda: fields(message).get("State") == "passed and executed", what="the executed edit")
        assert custom_ids(message) == [], "the vote buttons are gone once voting closed"
        title = "**Delist classifier 1: spam-detector**"
        said = await until(lambda: (a := _announcements(dao, title)) and len(a) >= 4 and a, what="announcements")
        await asyncio.sleep(1.5)  # a repeat would arrive within a few outbox rounds
        said = _announcements(dao, title)
        expected = ["Voting is open on", "Voting closed on", "it passed", "is queued in the timelock", "was executed"]
        assert len(said) == 4 and all(sum(phrase in s for s in said) == 1 for phrase in expected), said
        registry = await (await dao["dave"].discord.slash("classifiers")).response(timeout=15)
        listing = registry.embeds[0]["fields"][0]
        assert listing["name"] == "1. spam-detector" and listing["value"].startswith("delisted")
        live = [m for m in dao.sandbox.messages("proposals") if m.embeds]
        assert len(live) == 1, "one live message per proposal, edited in place"
