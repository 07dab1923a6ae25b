"""The treasury allocation advisor: see its suggestion, and (admins) put it to a member vote."""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import Sequence
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import DaoBot
from bot.errors import reply_error
from bot.permissions import require_admin
from bot.rendering import usd
from governance.domain import allocation as rules
from governance.domain.allocation import POOL_NAMES, percent
from governance.services import allocation as service
from governance.services.allocation import Advised, AllocationDeps
from governance.services.proposals import Submitted
from policies.allocation.advisor import Driver, Suggestion, render

__all__ = ["AllocationCog", "ProposeButton", "setup", "suggestion_embed"]

CHART = "allocation.png"


class AllocationCog(commands.Cog):
    allocation = app_commands.Group(name="allocation", description="The treasury allocation advisor")

    def __init__(self, bot: DaoBot) -> None:
        self.bot = bot

    @allocation.command(name="suggest")
    async def suggest(self, interaction: discord.Interaction) -> None:
        """The advisor's suggested split beside the baselines: limits, drivers, what-ifs, confidence."""
        await interaction.response.defer(thinking=True)
        advised = await service.suggest(_deps(interaction))
        chart = await asyncio.to_thread(render, advised.advice)
        view = discord.ui.View(timeout=None)
        view.add_item(ProposeButton(advised.advice.proposed_bps))
        await interaction.followup.send(
            embed=suggestion_embed(advised), file=discord.File(io.BytesIO(chart), CHART), view=view
        )

    @allocation.command(name="propose")
    async def propose(self, interaction: discord.Interaction) -> None:
        """Admins: submit the advisor's current suggestion as a Governor proposal for members to vote on."""
        require_admin(interaction, self.bot.ctx.settings)
        await interaction.response.defer(thinking=True)
        done = await service.propose_allocation(_deps(interaction), _admin(interaction))
        await interaction.followup.send(_submitted(done))


class ProposeButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                    template=r"allocation:propose:(?P<split>[0-9]{1,5}(?:-[0-9]{1,5}){4})"):
    """Admins only: propose the split shown on the suggestion (refused if the suggestion has changed)."""

    def __init__(self, split: Sequence[int]) -> None:
        custom_id = "allocation:propose:" + "-".join(str(b) for b in split)
        super().__init__(discord.ui.Button(label="Propose this split (admins)", style=discord.ButtonStyle.primary,
                                           custom_id=custom_id))
        self.split = tuple(split)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ProposeButton:
        return cls(rules.parse_split(match["split"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            require_admin(interaction, interaction.client.ctx.settings)  # type: ignore[attr-defined]
            await interaction.response.defer(thinking=True)
            done = await service.propose_allocation(_deps(interaction), _admin(interaction), self.split)
            await interaction.followup.send(_submitted(done))
        except Exception as exc:  # noqa: BLE001 - the one error handler decides what the member reads
            await reply_error(interaction, exc)


def _deps(interaction: discord.Interaction) -> AllocationDeps[Suggestion]:
    deps: AllocationDeps[Suggestion] = interaction.client.ctx.service("allocation")  # type: ignore[attr-defined]
    return deps


def _admin(interaction: discord.Interaction) -> str:
    return f"admin {interaction.user.name} ({interaction.user.id})"


def _submitted(done: Submitted) -> str:
    title = done.description.splitlines()[0].lstrip("# ")
    return (
        f"Proposal submitted: **{title}**\nProposal id `{done.proposal_id}`, transaction `{done.tx_hash}`.\n"
        "Members can vote in the proposals channel once voting opens."
    )


def _split(split: Sequence[int]) -> str:
    return " / ".join(percent(b) for b in split)


def suggestion_embed(advised: Advised[Suggestion]) -> discord.Embed:
    s, figures = advised.advice, advised.figures
    which = "the policy's split" if s.source == "policy" else "the best fixed split (the policy is advisory)"
    embed = discord.Embed(
        title="Suggested treasury allocation",
        description=f"Proposes **{which}**.\nWhy: {s.decision_reason}.\n"
                    f"Pools in order: {', '.join(POOL_NAMES)}.",
    )
    embed.add_field(name="Proposed", value=_split(s.proposed_bps), inline=False)
    embed.add_field(name="On chain now", value=_split(figures.current_split), inline=False)
    lines = [f"policy: {_split(s.policy_bps)}", *(f"{name}: {_split(b)}" for name, b in s.baselines.items())]
    embed.add_field(name="Policy and baselines (after the safety limits)", value="\n".join(lines)[:1024], inline=False)
    embed.add_field(name="Safety limits that bound the policy", value=", ".join(s.bound) or "none", inline=False)
    embed.add_field(name="Main drivers", value="\n".join(_driver(d) for d in s.drivers)[:1024] or "none",
                    inline=False)
    ifs = [f"revenue {w.revenue_change_pct:+d}%: proposed {_split(w.proposed_bps)}; policy {_split(w.policy_bps)}"
           for w in s.what_ifs]
    embed.add_field(name="What if", value="\n".join(ifs)[:1024], inline=False)
    embed.add_field(
        name="Confidence",
        value=f"{s.confidence:.0%}: the {len(s.seed_splits)} trained seeds differ from their mean split by "
              f"{s.disagreement_bps} bps on average",
        inline=False,
    )
    epochs = len(figures.revenue_history)
    mean = sum(figures.revenue_history) // epochs if epochs else 0
    embed.add_field(
        name="Treasury (from chain)",
        value=f"reserve {usd(figures.reserve_balance)} · mean revenue {usd(mean)} over {epochs} ended epoch(s) · "
              f"operating cost {usd(figures.op_cost_per_epoch)} per epoch · epoch {figures.current_epoch}",
        inline=False,
    )
    embed.set_image(url=f"attachment://{CHART}")
    embed.set_footer(text="Advice only: a split changes only through a Governor proposal that members vote on.")
    return embed


def _driver(driver: Driver) -> str:
    moves = sorted(zip(POOL_NAMES, driver.effect_bps, strict=True), key=lambda m: -abs(m[1]))[:2]
    effects = ", ".join(f"{pool} {bps:+d} bps" for pool, bps in moves)
    return f"{driver.feature} (one standard deviation up): {effects}"


async def setup(bot: commands.Bot) -> None:
    assert isinstance(bot, DaoBot)
    bot.add_dynamic_items(ProposeButton)
    await bot.add_cog(AllocationCog(bot))
