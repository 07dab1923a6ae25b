"""Renderers for Governor notifications: one live message per proposal in the proposals channel, edited
as votes arrive (tally, quorum in plain words, time left, a chart, vote buttons while open), plus one
announcement per lifecycle step and the reminder DMs. Each renderer re-reads the proposal, so a message
always shows the latest indexed tally whatever notification triggered the edit."""

from __future__ import annotations

import discord

from bot.charts import tally_chart
from bot.context import BotContext
from bot.notifier import Post, Renderer
from bot.rendering import tokens
from bot.views.votes import vote_view
from governance.domain import proposals as rules
from governance.domain.chain_records import ProposalState
from governance.domain.notifications import Notification
from governance.services import proposals
from governance.services.proposals import ProposalCard

__all__ = ["RENDERERS", "proposal_embed", "proposal_post"]

_OPEN = (ProposalState.PENDING, ProposalState.ACTIVE)


def proposal_embed(card: ProposalCard, seconds_per_block: float) -> discord.Embed:
    view = card.view
    embed = discord.Embed(title=view.title, description=view.description[:1500])
    embed.add_field(name="State", value=rules.state_words(view.state), inline=False)
    tally = view.tally
    embed.add_field(name="For", value=tokens(tally.votes_for))
    embed.add_field(name="Against", value=tokens(tally.votes_against))
    embed.add_field(name="Abstain", value=tokens(tally.votes_abstain))
    embed.add_field(name="Quorum", value=rules.explain_quorum(card.quorum, tokens), inline=False)
    if view.state is ProposalState.ACTIVE:
        left = rules.time_left_words(card.blocks_left, seconds_per_block)
        embed.add_field(name="Time left", value=f"{left}; voting closes after block {view.vote_end}", inline=False)
    elif view.state is ProposalState.PENDING:
        embed.add_field(name="Voting opens", value=f"after block {view.vote_start}", inline=False)
    embed.add_field(name="Proposal id", value=f"`{view.proposal_id}`", inline=False)
    embed.set_image(url="attachment://tally.png")
    embed.set_footer(text="Vote with the buttons or /vote; your wallet signs, the vote is binding on chain.")
    return embed


def live_key(chain_id: int, proposal_id: int) -> str:
    return f"proposal:{chain_id}:{proposal_id}"


async def proposal_post(ctx: BotContext, proposal_id: int, announce: str | None = None) -> Post | None:
    channel = ctx.settings.proposals_channel_id
    if channel is None:
        return None
    deps: proposals.ProposalDeps = ctx.service("proposals")
    card = await proposals.proposal_card(deps, proposal_id)
    extra = (Post(content=announce, channel_id=channel),) if announce else ()
    return Post(
        channel_id=channel,
        embeds=(proposal_embed(card, ctx.settings.seconds_per_block),),
        image=("tally.png", tally_chart(card.view.tally, card.quorum.needed)),
        view=vote_view(proposal_id, card.view.state in _OPEN),
        edit_key=live_key(deps.chain_id, proposal_id),
        extra=extra,
    )


def _pid(note: Notification) -> int:
    return int(note.payload["proposal_id"])


async def _title(ctx: BotContext, proposal_id: int) -> str:
    view = await ctx.service("proposals").book.get(proposal_id)
    return f"**{view.title}**" if view is not None else f"proposal `{proposal_id}`"


async def on_created(ctx: BotContext, note: Notification) -> Post | None:
    return await proposal_post(ctx, _pid(note))


async def on_vote(ctx: BotContext, note: Notification) -> Post | None:
    return await proposal_post(ctx, _pid(note))


async def on_voting_started(ctx: BotContext, note: Notification) -> Post | None:
    title = await _title(ctx, _pid(note))
    return await proposal_post(ctx, _pid(note), f"Voting is open on {title}. Use the buttons on its message or /vote.")


async def on_voting_ended(ctx: BotContext, note: Notification) -> Post | None:
    title = await _title(ctx, _pid(note))
    outcome = note.payload.get("outcome", "")
    words = {"Succeeded": "passed", "Defeated": "did not pass"}.get(outcome, outcome.lower() or "closed")
    return await proposal_post(ctx, _pid(note), f"Voting closed on {title}: it {words}.")


async def on_queued(ctx: BotContext, note: Notification) -> Post | None:
    title = await _title(ctx, _pid(note))
    eta = note.payload.get("eta")
    when = f" It can run after <t:{int(eta)}:f>." if eta else ""
    return await proposal_post(ctx, _pid(note), f"{title} is queued in the timelock.{when}")


async def on_executed(ctx: BotContext, note: Notification) -> Post | None:
    title = await _title(ctx, _pid(note))
    return await proposal_post(ctx, _pid(note), f"{title} was executed on chain.")


async def on_canceled(ctx: BotContext, note: Notification) -> Post | None:
    title = await _title(ctx, _pid(note))
    return await proposal_post(ctx, _pid(note), f"{title} was canceled.")


async def on_reminder(ctx: BotContext, note: Notification) -> Post | None:
    proposal_id = _pid(note)
    card = await proposals.proposal_card(ctx.service("proposals"), proposal_id)
    if card.view.state is not ProposalState.ACTIVE:
        return None
    left = rules.time_left_words(card.blocks_left, ctx.settings.seconds_per_block)
    return Post(
        dm_user_id=int(note.payload["discord_id"]),
        content=(
            f"Reminder: voting on **{card.view.title}** closes soon ({left}) and you have not voted yet.\n"
            f"Use `/vote proposal:{proposal_id}` or the buttons on its message. "
            "Turn these reminders off with `/notify reminders off`."
        ),
    )


RENDERERS: dict[str, Renderer] = {
    "ProposalCreated": on_created,
    "VoteCast": on_vote,
    "VotingStarted": on_voting_started,
    "VotingEnded": on_voting_ended,
    "ProposalQueued": on_queued,
    "ProposalExecuted": on_executed,
    "ProposalCanceled": on_canceled,
    proposals.REMINDER_KIND: on_reminder,
}
