"""Demo steps: members join, link their wallets and activate their voting power; revenue arrives."""

from __future__ import annotations

import re

from bot import devnet
from bot.demo.transcript import Transcript, describe_message
from bot.demo.world import DemoWorld, Person
from bot.rendering import tokens, usd

__all__ = ["link_members", "pay_revenue", "slash"]


async def slash(world: DemoWorld, t: Transcript, person: Person, command: str, **options: object) -> str:
    """``person`` runs ``/command``; the transcript shows what they typed and the bot's answer."""
    typed = " ".join([f"/{command}", *(f"{k}:{v}" for k, v in options.items())])
    t.member(person.name, typed)
    result = await person.discord.slash(command, **options)
    message = await result.response(timeout=30)
    reply = describe_message(message)
    t.bot(reply, to=person.name if message.ephemeral else None)
    return reply


def _url(text: str) -> str:
    match = re.search(r"(https?://\S+/sign/[A-Za-z0-9_-]+)", text)
    if match is None:
        raise RuntimeError(f"no signing link in the bot's answer: {text!r}")
    return match.group(1)


async def link_members(world: DemoWorld, t: Transcript, names: list[str]) -> None:
    t.step("Members link their wallets (Sign-In with Ethereum) and activate their votes")
    for name in names:
        person = world.people[name]
        url = _url(await slash(world, t, person, "link"))
        t.note(f"{name} opens the link; the page asks the wallet to sign in")
        linked = await devnet.sign_on_page(world.base_url, url, person.key)
        t.bot(f"page: {linked.get('summary') or linked.get('error')}", to=name)
        if linked.get("next_url"):
            t.note(f"{name} has not delegated yet; the page offers one-click self-delegation")
            done = await devnet.sign_on_page(world.base_url, linked["next_url"], person.key)
            t.chain(f"delegateBySig relayed for {name}: tx {done.get('tx_hash')}")
        votes = world.c.token.functions.getVotes(person.address).call()
        t.chain(f"{name} now has {tokens(votes)} votes")


async def pay_revenue(world: DemoWorld, t: Transcript, amounts: dict[int, int]) -> None:
    """The platform pays revenue (TestUSD base units) attributed to classifiers by id."""
    t.step("Platform revenue arrives, attributed to the classifiers whose labels ranked the feed")
    treasury = world.c.treasury
    for classifier_id, amount in amounts.items():
        tx = treasury.functions.payRevenue(classifier_id, amount).transact({"from": world.payer})
        world.node.w3.eth.wait_for_transaction_receipt(tx)
        t.chain(f"payRevenue(classifier {classifier_id}, {usd(amount)}) tx 0x{tx.hex().removeprefix('0x')[:16]}…")
