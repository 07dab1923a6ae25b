"""The allocation advisor through Discord: a suggestion built from chain data, an admin turns it into a
Governor proposal (a member who is not an admin cannot), members vote with their own wallets, the
timelock executes ``Treasury.setAllocation``, and the next epoch closes with the new split. An artifact
whose card was edited turns the advisor off with a message that tells admins why."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

from dao_harness import USD, Dao, running_dao
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
from web3.logs import DISCARD

from bot.sandbox.state import MessageRecord
from policies.allocation.artifacts import CARD_NAME, DEFAULT_DIR

ADVISOR = (*FEATURES, "bot.features.advisor")
SETTINGS = {**FAST, "allocation_op_cost_per_epoch": 1_500 * USD}
EPOCH = 3_600


def close_epoch_with_revenue(dao: Dao, classifier_id: int, revenue: int) -> dict[str, int]:
    """Pay ``revenue`` in the current epoch, let it end, close it; the EpochClosed figures."""
    treasury = dao.c.treasury
    treasury.functions.payRevenue(classifier_id, revenue).transact({"from": dao.payer})
    epoch = treasury.functions.currentEpoch().call()
    end = treasury.functions.epochEnd(epoch).call()
    dao.advance(end - int(dao.w3.eth.get_block("latest")["timestamp"]) + 1)
    tx = treasury.functions.closeEpoch(epoch).transact({"from": dao.payer})
    receipt = dao.w3.eth.wait_for_transaction_receipt(tx)
    [closed] = treasury.events.EpochClosed().process_receipt(receipt, errors=DISCARD)  # other contracts' logs
    return dict(closed["args"])


async def watcher_caught_up(dao: Dao) -> None:
    """Let the watcher index the latest block (and its notices go out) before the runtime stops."""
    latest = dao.w3.eth.block_number
    indexer = dao.runtime.ctx.service("indexer")
    for _ in range(300):
        cursor = await indexer.cursor()
        if cursor is not None and cursor.block_number >= latest:
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(1.0)


def proposed_split(suggestion: MessageRecord) -> tuple[int, ...]:
    [button] = [c for c in custom_ids(suggestion) if c.startswith("allocation:propose:")]
    return tuple(int(b) for b in button.rsplit(":", 1)[1].split("-"))


async def test_an_admin_proposes_the_suggested_split_members_pass_it_and_the_next_epoch_closes_with_it(
    tmp_path: Path,
) -> None:
    async with running_dao(tmp_path, features=ADVISOR, settings=SETTINGS) as dao:
        classifier_id = list_classifier_as_timelock(dao, "spam-detector", dao["dave"].address)
        close_epoch_with_revenue(dao, classifier_id, 9_000 * USD)
        voters = [dao["alice"], dao["bob"], dao["carol"]]
        for person in voters:
            await link_and_delegate(dao, person)

        suggestion = await (await dao["dave"].discord.slash("allocation suggest")).response(timeout=60)
        shown = fields(suggestion)
        assert suggestion.attachments and suggestion.attachments[0].filename == "allocation.png"
        assert set(shown) >= {"Proposed", "On chain now", "Policy and baselines (after the safety limits)",
                              "Safety limits that bound the policy",
                              "Main drivers", "What if", "Confidence", "Treasury (from chain)"}
        assert shown["On chain now"] == "30.00% / 30.00% / 10.00% / 20.00% / 10.00%"
        baselines = ("equal", "current", "reserve-first", "best fixed")
        assert all(name in shown["Policy and baselines (after the safety limits)"] for name in baselines)
        assert "revenue -20%" in shown["What if"] and "revenue +20%" in shown["What if"]
        assert "mean revenue 9,000.00 USD over 1 ended epoch(s)" in shown["Treasury (from chain)"]
        assert "1,500.00 USD per epoch" in shown["Treasury (from chain)"]
        assert "best fixed split (the policy is advisory)" in suggestion.embeds[0]["description"]
        split = proposed_split(suggestion)
        assert sum(split) == 10_000 and split != (3000, 3000, 1000, 2000, 1000)

        refused = await (await dao["dave"].discord.click(suggestion, custom_ids(suggestion)[0])).response(timeout=15)
        assert refused.ephemeral and "Only DAO admins" in refused.content
        refused = await (await dao["bob"].discord.slash("allocation propose")).response(timeout=15)
        assert refused.ephemeral and "Only DAO admins" in refused.content

        done = await (await dao["carol"].discord.click(suggestion, custom_ids(suggestion)[0])).response(timeout=60)
        proposal_id = proposal_id_in(done.content)
        message = await live_message(dao, proposal_id)
        assert "Treasury allocation (advisor, epoch 1)" in message.embeds[0]["title"]
        assert "carol" in message.embeds[0]["description"]

        dao.mine(2)
        await until(lambda: fields(message).get("State") == "open for voting", what="voting to open")
        for person in voters:
            await vote_by_button(dao, person, message, "for", proposal_id)
        dao.mine(21)
        await until(lambda: dao.c.governor.functions.state(proposal_id).call() == 5, what="the bot to queue")
        dao.advance(61)
        await until(lambda: dao.c.governor.functions.state(proposal_id).call() == 7, what="the bot to execute")
        assert tuple(dao.c.treasury.functions.allocation().call()) == split

        revenue = 10_000 * USD
        closed = close_epoch_with_revenue(dao, classifier_id, revenue)
        pools = ("memberDividends", "classifierDividends", "bounties", "reserve", "operations")
        assert [closed[p] for p in pools[:3] + pools[4:]] == [revenue * split[i] // 10_000 for i in (0, 1, 2, 4)]
        assert closed["reserve"] == revenue - sum(revenue * split[i] // 10_000 for i in (0, 1, 2, 4))
        assert closed["memberDividends"] != revenue * 3000 // 10_000 or split[0] == 3000
        await watcher_caught_up(dao)


async def test_an_edited_model_card_turns_the_advisor_off_and_tells_admins_why(tmp_path: Path) -> None:
    artifact = tmp_path / "artifact"
    shutil.copytree(DEFAULT_DIR, artifact)
    card = json.loads((artifact / CARD_NAME).read_text())
    card["evaluation"]["decision"] = {"choice": "policy", "reason": "edited by hand"}
    (artifact / CARD_NAME).write_text(json.dumps(card, indent=2, sort_keys=True) + "\n")
    settings = {**SETTINGS, "allocation_artifact_dir": artifact}
    async with running_dao(tmp_path, features=ADVISOR, settings=settings) as dao:
        alert = await dao.sandbox.wait_for_message(lambda m: "Allocation advisor alert" in m.content,
                                                   channel="admin", timeout=20)
        assert "model_card.json does not match its recorded SHA-256" in alert.content
        reply = await (await dao["carol"].discord.slash("allocation suggest")).response(timeout=30)
        assert "The allocation advisor is off" in reply.content
        assert "Restore the artifact or retrain it" in reply.content
        assert not reply.attachments and not reply.components
        reply = await (await dao["carol"].discord.slash("allocation propose")).response(timeout=30)
        assert "The allocation advisor is off" in reply.content
        assert dao.w3.eth.get_transaction_count(dao.bot_key.address) == 0, "the bot's key sent nothing"


async def test_when_configured_the_epoch_job_proposes_the_suggestion_once(tmp_path: Path) -> None:
    settings = {**SETTINGS, "allocation_auto_propose": True, "epoch_job_interval_seconds": 1}
    async with running_dao(tmp_path, features=ADVISOR, settings=settings) as dao:
        message = await dao.sandbox.wait_for_message(
            lambda m: bool(m.embeds) and "Treasury allocation (advisor, epoch 0)" in m.embeds[0]["title"],
            channel="proposals", timeout=40,
        )
        assert "by the epoch job" in message.embeds[0]["description"]
        await asyncio.sleep(3)  # several more runs of the job
        proposals = [m for m in dao.sandbox.messages("proposals") if m.embeds]
        assert len(proposals) == 1, "one advisor proposal per epoch"
        await watcher_caught_up(dao)
