"""Every proposal command and button through the Discord sandbox, with each refusal: the member reads
why, and nothing changed (no transaction from the bot, no vote on chain, no message)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp
from dao_harness import Dao, running_dao
from proposal_steps import (
    FAST,
    FEATURES,
    MODEL_HASH,
    custom_ids,
    fields,
    link_and_delegate,
    link_url,
    list_classifier_as_timelock,
    live_message,
    proposal_id_in,
    until,
)


async def _say(member, command: str, **options) -> str:  # type: ignore[no-untyped-def]
    reply = await (await member.slash(command, **options)).response(timeout=20)
    return reply.content or ""


async def _post(dao: Dao, url: str, body: dict[str, str]) -> dict[str, Any]:
    async with aiohttp.ClientSession() as http, http.post(url, json=body) as resp:
        return {"status": resp.status, **(await resp.json())}


def _bot_nonce(dao: Dao) -> int:
    return int(dao.w3.eth.get_transaction_count(dao.bot_key.address))


async def test_admin_commands_and_their_refusals(tmp_path: Path) -> None:
    async with running_dao(tmp_path, features=FEATURES, settings=FAST) as dao:
        list_classifier_as_timelock(dao, "toxicity", dao["dave"].address)
        carol, bob = dao["carol"].discord, dao["bob"].discord
        before = _bot_nonce(dao)
        refused = await (await bob.slash("classifier delist", classifier_id=1, reason="I do not like it")).response()
        assert refused.ephemeral and "Only DAO admins" in refused.content
        assert "no classifier 99" in await _say(carol, "classifier delist", classifier_id=99, reason="Gone")
        assert "reason of 3 to 500" in await _say(carol, "classifier delist", classifier_id=1, reason="x")
        bad_owner = await _say(carol, "classifier list", name="spam", owner="0x123", model_hash=MODEL_HASH, shares=10)
        assert "not a valid Ethereum address" in bad_owner
        bad_hash = await _say(carol, "classifier list", name="spam", owner=dao["bob"].address, model_hash="0xabc",
                              shares=10)
        assert "32 bytes in hex" in bad_hash
        assert _bot_nonce(dao) == before and not dao.sandbox.messages("proposals"), "nothing was sent or posted"

        listed = await _say(carol, "classifier list", name="spam", owner=dao["bob"].address, model_hash=MODEL_HASH,
                            shares=500, uri="ipfs://spam-card")
        proposal_id = proposal_id_in(listed)
        assert dao.c.governor.functions.state(proposal_id).call() == 0
        again = await _say(carol, "classifier list", name="spam", owner=dao["bob"].address, model_hash=MODEL_HASH,
                           shares=500, uri="ipfs://spam-card")
        assert "already submitted" in again
        message = await live_message(dao, proposal_id)
        assert "List classifier: spam" in message.embeds[0]["title"]
        registry = await (await dao["dave"].discord.slash("classifiers")).response()
        assert registry.embeds[0]["fields"][0]["value"].startswith("listed")


async def test_member_role_follows_voting_power(tmp_path: Path) -> None:
    async with running_dao(tmp_path, features=FEATURES, settings=FAST) as dao:
        carol = dao["carol"]
        assert "member" in carol.discord.role_names
        reply = await (await carol.discord.slash("link")).response(timeout=15)
        linked = await dao.sign_on_page(carol, link_url(reply.content))
        assert linked["status"] == 200 and linked["next_url"]
        await until(lambda: "member" not in carol.discord.role_names, what="the role to go (no voting power)")
        assert (await dao.sign_on_page(carol, linked["next_url"]))["status"] == 200
        await until(lambda: "member" in carol.discord.role_names, what="the role to come back after delegating")


async def test_votes_and_their_refusals(tmp_path: Path) -> None:
    async with running_dao(tmp_path, features=FEATURES, settings=FAST) as dao:
        list_classifier_as_timelock(dao, "toxicity", dao["dave"].address)
        alice, bob, dave = dao["alice"], dao["bob"], dao["dave"]
        for person in (alice, bob):
            await link_and_delegate(dao, person)
        proposal_id = proposal_id_in(await _say(dao["carol"].discord, "classifier delist", classifier_id=1,
                                                reason="Flags satire as abuse"))
        message = await live_message(dao, proposal_id)
        assert "has not opened yet" in await _say(alice.discord, "vote", proposal=str(proposal_id), choice="for")
        dao.mine(2)
        await until(lambda: fields(message).get("State") == "open for voting", what="voting to open")
        listing = await (await dave.discord.slash("proposals")).response()
        assert any(f["value"].startswith("open for voting") for f in listing.embeds[0]["fields"])

        assert "Link your wallet first" in await _say(dave.discord, "vote", proposal=str(proposal_id), choice="for")
        clicked = await (await dave.discord.click(message, f"vote:for:{proposal_id}")).response(timeout=15)
        assert clicked.ephemeral and "Link your wallet first" in clicked.content
        assert "not a proposal id" in await _say(alice.discord, "vote", proposal="abc", choice="for")
        assert "no proposal 12345" in await _say(alice.discord, "vote", proposal="12345", choice="for")

        url = link_url(await _say(alice.discord, "vote", proposal=str(proposal_id), choice="against",
                                  reason="Satire is not abuse"))
        forged = await _post(dao, url, {"signature": "0x" + "11" * 65})
        assert forged["status"] != 200 and forged["error"]
        other = await dao.sign_on_page(alice, url, key=bob.key)
        assert other["status"] != 200 and "not by your linked wallet" in other["error"]
        assert not dao.c.governor.functions.hasVoted(proposal_id, alice.address).call()
        done = await dao.sign_on_page(alice, url)
        assert done["status"] == 200 and done["tx_hash"].startswith("0x")
        replay = await dao.sign_on_page(alice, url)
        assert replay["status"] != 200 and "already used" in replay["error"]
        assert dao.c.governor.functions.proposalVotes(proposal_id).call()[0] == 400_000 * 10**18
        await until(lambda: fields(message).get("Against") == "400,000.00", what="the tally edit")
        assert "against votes do not" in fields(message)["Quorum"]

        dao.mine(8)  # 12 blocks or fewer left: the reminder window in FAST
        reminder = await bob.discord.wait_for_dm(lambda m: "Reminder" in m.content, timeout=20)
        assert f"/vote proposal:{proposal_id}" in reminder.content and "/notify reminders off" in reminder.content
        assert not [m for m in alice.discord.dms() if "Reminder" in m.content], "alice voted already"

        dao.mine(12)
        await until(lambda: custom_ids(message) == [], what="the buttons to go")
        closed = await _say(bob.discord, "vote", proposal=str(proposal_id), choice="for")
        assert "Voting on this proposal is closed" in closed and "did not pass" in closed
        assert len([m for m in bob.discord.dms() if "Reminder" in m.content]) == 1
