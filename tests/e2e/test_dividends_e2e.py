"""Dividends through Discord on the deployed suite: revenue is paid for a listed classifier, the epoch
ends, and the scheduled payout job alone closes it, publishes the manifest, proposes the root, waits out
the challenge period and pushes every claim. Each linked member gets one receipt DM (unless they turned
receipts off), the channel gets one announcement with the totals and the verify command, ``/dividends``
shows the history and the last receipt, and the published manifest's root is the distributor's."""

from __future__ import annotations

import asyncio
import json
import re
import shlex
import sys
from asyncio.subprocess import PIPE, STDOUT
from pathlib import Path

import aiohttp
from dao_harness import USD, Dao, Person, running_dao
from proposal_steps import fields, link_and_delegate, list_classifier_as_timelock, until

from bot.rendering import usd
from bot.sandbox.state import MessageRecord
from governance.domain.payout_runs import PayoutStage

CHALLENGE = 600
SETTINGS = {"epoch_job_interval_seconds": 1}
REVENUE = 10_000 * USD


def end_epoch(dao: Dao) -> int:
    """Time travel past the current epoch's end; the epoch that ended."""
    treasury = dao.c.treasury.functions
    epoch = int(treasury.currentEpoch().call())
    end = int(treasury.epochEnd(epoch).call())
    dao.advance(end - int(dao.w3.eth.get_block("latest")["timestamp"]) + 1)
    return epoch


def is_receipt(message: MessageRecord) -> bool:
    return "in dividends for epoch" in message.content


def is_announcement(message: MessageRecord) -> bool:
    return message.content.startswith("**Dividends of epoch")


async def outbox_drained(dao: Dao) -> None:
    async def depth() -> int:
        async with dao.runtime.ctx.uow_factory() as uow:
            return await uow.outbox.depth()

    for _ in range(300):
        if await depth() == 0:
            return
        await asyncio.sleep(0.1)
    raise TimeoutError("notifications still waiting in the outbox")


async def run_announced_verify(dao: Dao, tmp_path: Path, announcement: str) -> int:
    """Run the verify command the announcement shows, as any member would, with this chain's RPC."""
    found = re.search(r"`daobot (payouts verify [^`]+)`", announcement)
    assert found, announcement
    words = found.group(1).replace("<RPC>", dao.rpc_url).replace("deployment.json", str(tmp_path / "deployment.json"))
    daobot = Path(sys.executable).with_name("daobot")
    process = await asyncio.create_subprocess_exec(str(daobot), *shlex.split(words), stdout=PIPE, stderr=STDOUT)
    output, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    assert b"MATCH: the root on chain" in output, output.decode()
    return await process.wait()


def receipts_of(person: Person) -> list[MessageRecord]:
    return [m for m in person.discord.dms() if is_receipt(m)]


async def test_the_payout_job_pays_members_and_tells_them_once(tmp_path: Path) -> None:
    async with running_dao(tmp_path, settings=SETTINGS) as dao:
        alice, bob, carol, dave = dao["alice"], dao["bob"], dao["carol"], dao["dave"]
        classifier_id = list_classifier_as_timelock(dao, "spam-detector", dave.address)
        for person in (alice, bob, carol):
            await link_and_delegate(dao, person)
        quiet = await (await carol.discord.slash("notify", kind="receipts", setting="off")).response(timeout=15)
        assert quiet.content == "Receipts DMs are now off."
        distributor = dao.c.distributor.functions
        token = dao.c.revenue_token.functions
        before = {p.name: int(token.balanceOf(p.address).call()) for p in (alice, bob, carol, dave)}

        dao.c.treasury.functions.payRevenue(classifier_id, REVENUE).transact({"from": dao.payer})
        epoch = end_epoch(dao)
        root = await until(lambda: (r := distributor.epochInfo(epoch).call()[0]) != bytes(32) and r,
                           timeout=90, what="the payout job to close the epoch and propose its root")
        assert dao.c.treasury.functions.epochClosed(epoch).call()
        dao.advance(CHALLENGE + 1)

        announcement = await dao.sandbox.wait_for_message(is_announcement, channel="general", timeout=90)
        await outbox_drained(dao)

        async with aiohttp.ClientSession() as http:
            async with http.get(f"{dao.base_url}/payouts/{epoch}.json") as resp:
                assert resp.status == 200
                manifest = json.loads(await resp.text())
            async with http.get(f"{dao.base_url}/metrics") as resp:
                metrics = await resp.text()
        claimed_step = list(PayoutStage).index(PayoutStage.CLAIMED)  # the sweep waits for the claim window
        assert f'daobot_payout_epoch_step{{epoch="{epoch}"}} {claimed_step:.1f}' in metrics
        assert manifest["root"] == "0x" + root.hex() and manifest["epoch"] == epoch
        assert manifest["tree"]["format"] == "standard-v1"
        leaves = {account: int(amount) for account, amount in (v["value"] for v in manifest["tree"]["values"])}
        assert {alice.address, bob.address, carol.address, dave.address} <= set(leaves)
        for person in (alice, bob, carol, dave):  # every leaf pushed: the claims were paid, not left to members
            assert int(token.balanceOf(person.address).call()) - before[person.name] == leaves[person.address]
            assert distributor.isClaimed(epoch, person.address).call()

        total = sum(leaves.values())
        text = announcement.content
        assert f"**Dividends of epoch {epoch} paid.** {usd(total)} to {len(leaves)} accounts" in text
        assert f"Root `{manifest['root']}`" in text and f"/payouts/{epoch}.json" in text
        assert f"daobot payouts verify {epoch} " in text and f"--manifest {dao.base_url}/payouts/{epoch}.json`" in text
        assert await run_announced_verify(dao, tmp_path, text) == 0, "the announced check matches the chain"
        announcements = [m for m in dao.sandbox.state.messages.values() if is_announcement(m)]
        assert len(announcements) == 1, [m.content for m in announcements]

        for person in (alice, bob):
            [receipt] = receipts_of(person)
            assert f"You received {usd(leaves[person.address])} in dividends for epoch {epoch}" in receipt.content
            assert person.address in receipt.content
        assert receipts_of(carol) == [], "carol turned receipts off"
        assert receipts_of(dave) == [], "dave never linked a wallet"

        reply = await (await alice.discord.slash("dividends")).response(timeout=30)
        shown = fields(reply)
        assert reply.ephemeral
        assert shown["Paid so far"] == usd(leaves[alice.address])
        tx = re.search(r"tx `(0x[0-9a-f]{64})`", receipts_of(alice)[0].content)
        assert tx, receipts_of(alice)[0].content
        assert shown["Last receipt"] == f"epoch {epoch}: {usd(leaves[alice.address])} (tx `{tx.group(1)}`)"
        [chart] = reply.attachments
        assert chart.filename == "dividends.png" and chart.data.startswith(b"\x89PNG")

