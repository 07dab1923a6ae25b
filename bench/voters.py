"""Members voting through Discord: N members press a vote button on one proposal within a window, get
their one-time link, sign it on the page, and the bot relays ``castVoteBySig`` with its one RELAYER key.

    .venv/bin/python bench/voters.py [--members 1000] [--window 60]

Prints p50/p99 of the interaction acknowledgement (sandbox clock: creation to callback) and of the
time from the button press to the vote being on chain, and how many votes landed within the window.
Setup (tokens, delegation, links) is done directly on anvil and in the database and is not timed.
All relays go through one sender (nonce under a lock, each transaction confirmed before the next), so
on-chain throughput is bounded by that sender's round trip per vote: the figure says what it is.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

from eth_account import Account

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from dao_harness import TOKEN, Person, running_dao  # noqa: E402
from proposal_steps import (  # noqa: E402
    FAST,
    FEATURES,
    link_url,
    list_classifier_as_timelock,
    live_message,
    proposal_id_in,
)

from governance.domain.addresses import parse_address  # noqa: E402
from governance.domain.members import Member  # noqa: E402


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def _fund_and_delegate(dao, keys) -> None:  # type: ignore[no-untyped-def]
    rpc = dao.w3.provider.make_request
    funder = dao["dave"].address
    for key in keys:
        address = key.address
        dao.c.token.functions.transfer(address, 10 * TOKEN).transact({"from": funder})
        rpc("anvil_setBalance", [address, hex(10**18)])
        rpc("anvil_impersonateAccount", [address])
        dao.c.token.functions.delegate(address).transact({"from": address})
        rpc("anvil_stopImpersonatingAccount", [address])


async def _one_voter(dao, member, key, message, proposal_id, results) -> None:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = await member.click(message, f"vote:for:{proposal_id}")
    reply = await result.response(timeout=60)
    done = await dao.sign_on_page(Person(member.name, key, member), link_url(reply.content))
    if done.get("status") == 200:
        results["onchain"].append(time.perf_counter() - started)
    else:
        results["failed"].append(str(done.get("error"))[:80])


async def main(members: int, window: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        async with running_dao(Path(tmp), features=FEATURES, settings=FAST, deploy={"voting_period": 100_000}) as dao:
            keys = [Account.create() for _ in range(members)]
            t0 = time.perf_counter()
            _fund_and_delegate(dao, keys)
            people = [dao.sandbox.add_member(f"voter{i}", ("member",)) for i in range(members)]
            async with dao.runtime.ctx.uow_factory() as uow:
                for person, key in zip(people, keys, strict=True):
                    await uow.members.save(Member(person.id, person.name, parse_address(key.address), 0))
                await uow.commit()
            print(f"setup: {members} members funded, delegated and linked in {time.perf_counter() - t0:.1f}s")
            list_classifier_as_timelock(dao, "bench", dao["dave"].address)
            answer = await (await dao["carol"].discord.slash(
                "classifier delist", classifier_id=1, reason="benchmark proposal")).response(timeout=30)
            proposal_id = proposal_id_in(answer.content)
            message = await live_message(dao, proposal_id)
            dao.mine(2)
            await asyncio.sleep(1)
            acked_before = len(dao.sandbox.ack_latencies())
            results: dict[str, list] = {"onchain": [], "failed": []}  # type: ignore[type-arg]
            start = time.perf_counter()
            tasks = []
            for index, (person, key) in enumerate(zip(people, keys, strict=True)):
                delay = start + index * window / members - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(_one_voter(dao, person, key, message, proposal_id, results)))
            await asyncio.wait(tasks, timeout=max(120.0, window * 6))
            elapsed = time.perf_counter() - start
            acks = dao.sandbox.ack_latencies()[acked_before:]
            onchain = results["onchain"]
            within = sum(1 for t in onchain if t <= window)
            print(f"clicks: {members} over {window:.0f}s; acknowledged {len(acks)}; over 3 s: "
                  f"{sum(1 for a in acks if a >= 3)}")
            print(f"ack latency: p50 {_pct(acks, .5) * 1000:.0f} ms, p99 {_pct(acks, .99) * 1000:.0f} ms, "
                  f"max {max(acks) * 1000:.0f} ms")
            print(f"press -> vote on chain: {len(onchain)} votes, p50 {_pct(onchain, .5):.2f}s, "
                  f"p99 {_pct(onchain, .99):.2f}s; {within} landed within the {window:.0f}s window; "
                  f"all done after {elapsed:.1f}s; failures {len(results['failed'])} {results['failed'][:3]}")
            print(f"on-chain throughput of the one relayer: {len(onchain) / elapsed:.1f} votes/s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--window", type=float, default=60.0)
    args = parser.parse_args()
    asyncio.run(main(args.members, args.window))
