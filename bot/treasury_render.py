"""How ``/treasury`` looks: an embed in plain words and one PNG (the split over the five pools beside
the revenue of recent epochs), drawn with matplotlib's Agg canvas."""

from __future__ import annotations

import io

import discord
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.rendering import USD_DECIMALS, usd
from governance.domain.allocation import POOL_NAMES, percent
from governance.domain.treasury import runway_words
from governance.services.treasury import TreasuryReport

__all__ = ["CHART", "treasury_chart", "treasury_embed"]

CHART = "treasury.png"


def treasury_embed(report: TreasuryReport, op_cost_per_epoch: int) -> discord.Embed:
    held, figures = report.holdings, report.figures
    embed = discord.Embed(title="Treasury", description=runway_words(report.runway))
    embed.add_field(name="Held by the treasury", value=usd(held.balance))
    embed.add_field(name="Reserve", value=usd(held.reserve))
    embed.add_field(name="Revenue of open epochs", value=usd(held.open_revenue))
    split = "\n".join(f"{name}: {percent(bps)}" for name, bps in zip(POOL_NAMES, figures.current_split, strict=True))
    embed.add_field(name="Allocation of each epoch's revenue", value=split, inline=False)
    recent = "\n".join(
        f"epoch {epoch}: {usd(amount)}" + (" (so far)" if epoch == figures.current_epoch else "")
        for epoch, amount in report.recent_revenue
    )
    embed.add_field(name="Revenue of recent epochs", value=recent[:1024], inline=False)
    cost = usd(op_cost_per_epoch) + " per epoch" if op_cost_per_epoch else "not configured"
    embed.add_field(name="Operating cost", value=cost)
    embed.add_field(name="Reserve floor", value=percent(figures.reserve_floor_bps))
    embed.set_image(url=f"attachment://{CHART}")
    embed.set_footer(text="Read from the Treasury contract now. Splits change only through a Governor proposal.")
    return embed


def treasury_chart(report: TreasuryReport) -> bytes:
    """Left: the split in percent per pool. Right: revenue per epoch in USD (the current epoch hatched)."""
    figure = Figure(figsize=(9, 2.8), layout="constrained")
    FigureCanvasAgg(figure)
    pools, revenue = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1]})
    split = report.figures.current_split
    pools.barh(list(POOL_NAMES), [b / 100 for b in split], color="#4a6fa5")
    for index, bps in enumerate(split):
        pools.text(bps / 100, index, f" {percent(bps)}", va="center", fontsize=8)
    pools.set_xlim(0, max(split) / 100 * 1.25)
    pools.invert_yaxis()
    pools.set_xlabel("% of each epoch's revenue")
    pools.set_title("Allocation")
    recent = report.recent_revenue
    labels = [str(epoch) for epoch, _ in recent]
    bars = revenue.bar(labels, [amount / 10**USD_DECIMALS for _, amount in recent], color="#2e9d5b")
    bars[-1].set_hatch("//")
    bars[-1].set_alpha(0.6)
    revenue.set_xlabel("epoch (last: so far)")
    revenue.set_ylabel("USD")
    revenue.set_title("Revenue")
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=100, bbox_inches="tight")
    return out.getvalue()
