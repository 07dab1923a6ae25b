"""Moderation through Discord on anvil: content intake, classifier flags and reports, a round opened
by the scheduler's job, button votes with refusals, closing, penalties, the round anchored on the
ModerationLedger and verified from the published manifest, and an appeal that reverses a decision."""

from __future__ import annotations

import asyncio
import hashlib
import re
import time
from pathlib import Path
from typing import Any

import aiohttp
from dao_harness import Dao, Person, running_dao

from bot.features import moderation as jobs
from bot.sandbox.server import MessageRecord
from governance.domain.moderation_manifest import root_from_manifest
from policies.classifiers.artifacts import REFERENCE_DIR

TOKEN = "platform-intake-token"
ROUND_SECONDS = 12
TOXIC = {
    "id": "p-toxic",
    "author": "u-1",
    "text": "You disgusting fool, crawl back under your rock.",
    "created": "2026-11-20T10:00:00Z",
}
CALM = {
    "id": "p-calm",
    "author": "u-2",
    "text": "gm everyone, the new release notes are out",
    "created": "2026-11-20T10:05:00Z",
}
SETTINGS = dict(
    platform_token=TOKEN,
    moderation_round_seconds=ROUND_SECONDS,
    moderation_score_threshold=0.8,
    moderation_open_cron="0 0 1 1 *",
)


def _link_url(text: str) -> str:
    match = re.search(r"(http://\S+/sign/[A-Za-z0-9_-]+)", text)
    assert match, text
    return match.group(1)


async def _link_and_delegate(dao: Dao, person: Person) -> None:
    url = _link_url((await (await person.discord.slash("link")).response(timeout=10)).content)
    linked = await dao.sign_on_page(person, url)
    assert linked["status"] == 200, linked
    delegated = await dao.sign_on_page(person, linked["next_url"])
    assert delegated["status"] == 200, delegated


def _list_classifier(dao: Dao, name: str, model_hash: bytes) -> None:
    timelock = dao.c.timelock.address
    dao.w3.provider.make_request("anvil_impersonateAccount", [timelock])  # type: ignore[arg-type]
    dao.w3.provider.make_request("anvil_setBalance", [timelock, hex(10**20)])  # type: ignore[arg-type]
    owner = dao.w3.eth.accounts[5]
    dao.c.registry.functions.list(name, owner, model_hash, f"ipfs://{name}", 1_000).transact({"from": timelock})


def _artifact_hash(name: str) -> bytes:
    return hashlib.sha256((REFERENCE_DIR / f"{name}.joblib").read_bytes()).digest()


async def _http(dao: Dao, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as http, http.request(method, dao.base_url + path, **kwargs) as resp:
        return resp.status, await resp.json()


def _item_message(dao: Dao, round_id: int, post_id: str) -> MessageRecord:
    for message in dao.sandbox.messages("moderation"):
        if message.content.startswith(f"**Round {round_id}** · post `{post_id}`") or message.content.startswith(
            f"**Appeal round {round_id}** · post `{post_id}`"
        ):
            return message
    raise AssertionError(
        f"no message for {post_id} in round {round_id}: {[m.content[:60] for m in dao.sandbox.messages('moderation')]}"
    )


async def _vote(person: Person, message: MessageRecord, custom_id: str) -> str:
    return (await (await person.discord.click(message, custom_id)).followup(timeout=10)).content


async def _ballots(dao: Dao, round_id: int) -> int:
    async with dao.runtime.ctx.uow_factory() as uow:
        return await uow.moderation.ballot_count(round_id)


async def _close(dao: Dao, round_id: int, closes_at: float) -> None:
    await asyncio.sleep(max(0.0, closes_at - time.time()) + 0.5)
    await jobs.close_rounds_job()
    async with dao.runtime.ctx.uow_factory() as uow:
        record = await uow.moderation.round(round_id)
    assert record is not None and record.is_closed and record.anchor_tx


async def _verify_anchor(dao: Dao, round_id: int) -> dict[str, Any]:
    status, manifest = await _http(dao, "GET", f"/moderation/rounds/{round_id}.json")
    assert status == 200
    root, anchored_at, _by, uri = dao.c.ledger.functions.round(round_id).call()
    assert anchored_at > 0 and uri.endswith(f"/moderation/rounds/{round_id}.json")
    assert root_from_manifest(manifest) == bytes(root), "the published manifest hashes to the anchored root"
    return manifest


async def test_round_vote_close_anchor_and_appeal(tmp_path: Path) -> None:
    async with running_dao(tmp_path, settings=SETTINGS) as dao:
        alice, bob, carol, dave = dao["alice"], dao["bob"], dao["carol"], dao["dave"]
        _list_classifier(dao, "toxicity", _artifact_hash("toxicity"))
        _list_classifier(dao, "spam", b"\x11" * 32)  # the registry commits to a hash no artifact has
        for person in (alice, bob, carol):
            await _link_and_delegate(dao, person)
        dao.mine(2)
        # The scheduler's SQLite job store writes synchronously when it starts: let it settle first.
        for _ in range(100):
            if dao.runtime.election.is_leader:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)

        headers = {"Authorization": f"Bearer {TOKEN}"}
        status, report = await _http(dao, "POST", "/content", json=[TOXIC, CALM], headers=headers)
        assert status == 200 and report["new"] == 2 and report["queued"] == ["p-toxic"]
        assert report["classifiers_used"] == ["toxicity"] and report["classifiers_skipped"] == ["spam"]
        alert = await dao.sandbox.wait_for_message(lambda m: "spam" in m.content, channel="admin", timeout=10)
        assert "was not loaded" in alert.content
        status, again = await _http(dao, "POST", "/content", json=TOXIC, headers=headers)
        assert status == 200 and again["new"] == 0 and again["already_known"] == 1

        reported = await (await bob.discord.slash("report", post_id="p-calm", reason="misleading")).followup()
        assert "joins the next de-rank round" in reported.content

        await jobs.open_round_job()  # what the scheduler runs on DAOBOT_MODERATION_OPEN_CRON
        async with dao.runtime.ctx.uow_factory() as uow:
            first = await uow.moderation.round(1)
        assert first is not None and set(first.spec.item_ids) == {"p-toxic", "p-calm"}
        closes_at = first.spec.closes_at.timestamp()
        for post_id in ("p-toxic", "p-calm"):
            await dao.sandbox.wait_for_message(
                lambda m, p=post_id: f"`{p}`" in m.content, channel="moderation", timeout=10
            )
        toxic_msg, calm_msg = _item_message(dao, 1, "p-toxic"), _item_message(dao, 1, "p-calm")
        assert "toxicity 0.9" in toxic_msg.content and "misleading" in calm_msg.content
        t, c = first.spec.item_ids.index("p-toxic"), first.spec.item_ids.index("p-calm")

        reply = await _vote(alice, toxic_msg, f"mod:1:{t}:d")
        assert "recorded" in reply and "so far: 1" in reply and "de-rank" in reply
        assert "so far: 2" in await _vote(bob, toxic_msg, f"mod:1:{t}:d")
        await _vote(carol, toxic_msg, f"mod:1:{t}:k")
        await _vote(alice, calm_msg, f"mod:1:{c}:k")
        await _vote(bob, calm_msg, f"mod:1:{c}:d")
        assert await _ballots(dao, 1) == 5

        # Refusals: unlinked member, a second vote by the same wallet; nothing changes.
        assert "Link a wallet" in await _vote(dave, toxic_msg, f"mod:1:{t}:d")
        assert "already voted" in await _vote(alice, toxic_msg, f"mod:1:{t}:k")
        assert await _ballots(dao, 1) == 5

        # Hold the scheduler's close job so the closing time passes before the round is closed.
        dao.runtime.election.scheduler.pause_job("moderation-close")
        await asyncio.sleep(max(0.0, closes_at - time.time()) + 0.5)
        late = await _vote(carol, calm_msg, f"mod:1:{c}:d")  # after closing time, before the close job ran
        assert "no longer accepts ballots" in late and await _ballots(dao, 1) == 5
        await _close(dao, 1, closes_at)

        result = await dao.sandbox.wait_for_message(
            lambda m: m.id == toxic_msg.id and "closed" in m.content, channel="moderation", timeout=10
        )
        assert "de-ranked" in result.content and result.components == []
        manifest = await _verify_anchor(dao, 1)
        assert len(manifest["ballots"]) == 5
        status, body = await _http(dao, "GET", "/ranking/penalties")
        assert [p["item_id"] for p in body["penalties"]] == ["p-toxic"]
        assert body["penalties"][0]["multiplier_bps"] == 1000 and "round 1" in body["penalties"][0]["reason"]

        # The appeal: a second round on p-toxic alone, with a new snapshot; members now keep it.
        appealed = await (await carol.discord.slash("appeal", post_id="p-toxic", reason="satire")).followup()
        assert "Appeal round 2" in appealed.content
        again = await (await bob.discord.slash("appeal", post_id="p-toxic", reason="again")).followup()
        assert "being voted on" in again.content
        async with dao.runtime.ctx.uow_factory() as uow:
            second = await uow.moderation.round(2)
        assert second is not None and second.spec.item_ids == ("p-toxic",)
        assert second.spec.snapshot_block > first.spec.snapshot_block
        await dao.sandbox.wait_for_message(lambda m: "Appeal round 2" in m.content, channel="moderation", timeout=10)
        appeal_msg = _item_message(dao, 2, "p-toxic")
        for person in (alice, bob, carol):
            await _vote(person, appeal_msg, "mod:2:0:k")
        await _close(dao, 2, second.spec.closes_at.timestamp())
        await _verify_anchor(dao, 2)
        status, body = await _http(dao, "GET", "/ranking/penalties")
        assert body["penalties"] == [], "the appeal overturned the de-rank"
        third = await (await alice.discord.slash("appeal", post_id="p-toxic", reason="once more")).followup()
        assert "already appealed" in third.content
