"""A gateway outage in the middle of a proposal: the client RESUMEs, the outbox delivered every
notification meanwhile (they go over REST), and none was lost or doubled."""

from __future__ import annotations

import asyncio
from pathlib import Path

from dao_harness import running_dao
from proposal_steps import (
    FAST,
    FEATURES,
    fields,
    link_and_delegate,
    list_classifier_as_timelock,
    live_message,
    proposal_id_in,
    until,
    vote_by_button,
)

PHRASES = ("Voting is open on", "Voting closed on", "is queued in the timelock", "was executed")


async def test_gateway_outage_mid_story_loses_and_doubles_nothing(tmp_path: Path) -> None:
    async with running_dao(tmp_path, features=FEATURES, settings=FAST) as dao:
        list_classifier_as_timelock(dao, "spam-detector", dao["dave"].address)
        for person in (dao["alice"], dao["bob"]):
            await link_and_delegate(dao, person)
        reply = await (await dao["carol"].discord.slash(
            "classifier delist", classifier_id=1, reason="Labels honest posts as spam"
        )).response(timeout=30)
        proposal_id = proposal_id_in(reply.content)
        message = await live_message(dao, proposal_id)
        dao.mine(2)
        await until(lambda: fields(message).get("State") == "open for voting", what="voting to open")
        await vote_by_button(dao, dao["alice"], message, "for", proposal_id)

        async with dao.sandbox.gateway_outage():
            dao.mine(21)
            await until(lambda: dao.c.governor.functions.state(proposal_id).call() == 5, what="the bot to queue")
            await asyncio.sleep(1)
        await dao.sandbox.wait_until_connected(resumes=1, timeout=20)

        dao.advance(61)
        await until(lambda: dao.c.governor.functions.state(proposal_id).call() == 7, what="the bot to execute")
        await until(lambda: fields(message).get("State") == "passed and executed", what="the executed edit")
        await asyncio.sleep(1.5)
        said = [m.content for m in dao.sandbox.messages("proposals") if m.content]
        assert [sum(p in s for s in said) for p in PHRASES] == [1, 1, 1, 1], said
        assert len([m for m in dao.sandbox.messages("proposals") if m.embeds]) == 1
        after = await (await dao["dave"].discord.slash("classifiers")).response(timeout=15)
        assert after.embeds[0]["fields"][0]["value"].startswith("delisted"), "commands work after the resume"
        async with dao.runtime.ctx.uow_factory() as uow:
            assert await uow.outbox.depth() == 0
