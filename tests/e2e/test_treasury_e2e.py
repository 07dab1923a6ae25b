"""``/treasury`` through the Discord sandbox on the deployed suite: balances and reserve from the
Treasury contract, the split over the five pools, recent revenue, the runway in words, one chart."""

from __future__ import annotations

from pathlib import Path

from dao_harness import USD, Dao, running_dao
from proposal_steps import fields, list_classifier_as_timelock

SETTINGS = {"allocation_op_cost_per_epoch": 600 * USD}


def end_and_close_epoch(dao: Dao) -> int:
    treasury = dao.c.treasury
    epoch = int(treasury.functions.currentEpoch().call())
    end = int(treasury.functions.epochEnd(epoch).call())
    dao.advance(end - int(dao.w3.eth.get_block("latest")["timestamp"]) + 1)
    dao.w3.eth.wait_for_transaction_receipt(treasury.functions.closeEpoch(epoch).transact({"from": dao.payer}))
    return epoch


async def test_treasury_shows_balances_split_recent_revenue_and_runway(tmp_path: Path) -> None:
    async with running_dao(tmp_path, settings=SETTINGS) as dao:
        classifier_id = list_classifier_as_timelock(dao, "spam-detector", dao["dave"].address)
        treasury = dao.c.treasury.functions
        treasury.payRevenue(classifier_id, 9_000 * USD).transact({"from": dao.payer})
        closed = end_and_close_epoch(dao)  # default split 30/30/10/20/10: 1,800 USD stays as reserve
        treasury.payRevenue(classifier_id, 2_000 * USD).transact({"from": dao.payer})

        reply = await (await dao["bob"].discord.slash("treasury")).response(timeout=60)

        assert not reply.ephemeral, "the treasury is public: the answer is in the channel"
        shown = fields(reply)
        assert shown["Held by the treasury"] == "3,800.00 USD"
        assert shown["Reserve"] == "1,800.00 USD"
        assert shown["Revenue of open epochs"] == "2,000.00 USD"
        assert shown["Allocation of each epoch's revenue"].splitlines() == [
            "member dividends: 30.00%", "classifier dividends: 30.00%", "bounties: 10.00%", "reserve: 20.00%",
            "operations: 10.00%",
        ]
        assert shown["Revenue of recent epochs"].splitlines() == [
            f"epoch {closed}: 9,000.00 USD", f"epoch {closed + 1}: 2,000.00 USD (so far)",
        ]
        assert shown["Operating cost"] == "600.00 USD per epoch"
        # 1,800 / 600 = 3 epochs of 3,600 s each
        assert reply.embeds[0]["description"] == (
            "The reserve covers 3 epochs of operating costs (3 hours) with no further revenue."
        )
        [chart] = reply.attachments
        assert chart.filename == "treasury.png" and chart.data.startswith(b"\x89PNG\r\n\x1a\n")
        assert reply.embeds[0]["image"]["url"] == "attachment://treasury.png"
        assert int(treasury.reserveBalance().call()) == 1_800 * USD, "the bot read what the chain holds"
