"""How payouts look in Discord: the epoch announcement, receipt DMs, veto notices, and the history chart."""

from __future__ import annotations

import io
from collections.abc import Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.context import BotContext
from bot.notifier import Post, Renderer
from bot.rendering import usd
from governance.domain.notifications import Notification
from governance.domain.payout_runs import AccountPayout

__all__ = ["RENDERERS", "history_chart"]


def _verify(epoch: int, manifest_url: str) -> str:
    """The check anyone can run. It names the manifest: when bounties followed moderation standings, the
    recomputation takes its bounty weights from there (and checks the published document as well)."""
    return f"`daobot payouts verify {epoch} --rpc-url <RPC> --deployment deployment.json --manifest {manifest_url}`"


async def _announced(ctx: BotContext, n: Notification) -> Post | None:
    p = n.payload
    text = (
        f"**Dividends of epoch {p['epoch']} paid.** {usd(int(p['paid']))} to {p['leaves']} accounts "
        f"(budget {usd(int(p['budget']))}; {usd(int(p['dust']))} of rounding dust goes back to the treasury "
        f"when the claim window ends).\nRoot `{p['root']}`, manifest {p['manifest_url']} (keccak "
        f"`{p['manifest_hash']}`).\nAnyone can check it against the chain: "
        f"{_verify(int(p['epoch']), str(p['manifest_url']))}"
    )
    return Post(text, channel_id=ctx.settings.announcements_channel_id)


async def _receipt(ctx: BotContext, n: Notification) -> Post | None:
    p = n.payload
    text = (f"You received {usd(int(p['amount']))} in dividends for epoch {p['epoch']} at `{p['account']}` "
            f"(tx `{p['tx_hash']}`). Turn these messages off with /notify receipts off.")
    return Post(text, dm_user_id=int(p["discord_id"]))


async def _vetoed(ctx: BotContext, n: Notification) -> Post | None:
    p = n.payload
    public = (f"The guardian vetoed the dividend root of epoch {p['epoch']} (`{p['root']}`). Nothing was paid "
              "from it; the bot will propose again once the cause is fixed.")
    admins = (f"Dividend root of epoch {p['epoch']} vetoed. The bot re-proposes when the recomputed manifest "
              f"differs (fix the input), or after an admin runs `/payouts acknowledge {p['epoch']}` "
              f"(or `daobot payouts acknowledge {p['epoch']}`) to propose the same manifest again.")
    alert = Post(admins, channel_id=ctx.settings.admin_alerts_channel_id, edit_key=f"{n.dedupe_key}:admin")
    return Post(public, channel_id=ctx.settings.announcements_channel_id, extra=(alert,))


async def _reproposed(ctx: BotContext, n: Notification) -> Post | None:
    p = n.payload
    text = f"Dividends of epoch {p['epoch']}: proposing root `{p['root']}` again ({p['reason']})."
    return Post(text, channel_id=ctx.settings.announcements_channel_id)


async def _swept(ctx: BotContext, n: Notification) -> Post | None:
    p = n.payload
    text = (f"Epoch {p['epoch']}: the claim window ended; {usd(int(p['swept']))} went back to the treasury "
            f"({usd(int(p['claimed']))} was paid).")
    return Post(text, channel_id=ctx.settings.announcements_channel_id)


async def _alert(ctx: BotContext, n: Notification) -> Post | None:
    return Post(f"Payouts, epoch {n.payload['epoch']}: {n.payload['text']}",
                channel_id=ctx.settings.admin_alerts_channel_id)


RENDERERS: dict[str, Renderer] = {
    "payout_announced": _announced,
    "payout_receipt": _receipt,
    "payout_vetoed": _vetoed,
    "payout_reproposed": _reproposed,
    "payout_swept": _swept,
    "payout_alert": _alert,
}


def history_chart(history: Sequence[AccountPayout], decimals: int = 6) -> bytes:
    """Bars of one account's dividends per epoch (paid solid, still due hatched)."""
    figure = Figure(figsize=(6, 2.6))
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    epochs = [str(h.epoch) for h in history]
    values = [h.amount / 10**decimals for h in history]
    colors = ["#2e9d5b" if h.paid_tx else "#c9a227" for h in history]
    axes.bar(epochs, values, color=colors)
    axes.set_xlabel("epoch")
    axes.set_ylabel("USD")
    axes.set_title("Your dividends")
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=100, bbox_inches="tight")
    return out.getvalue()
