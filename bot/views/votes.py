"""The For / Against / Abstain buttons on a proposal message, and the ephemeral signing-link reply.

The buttons are ``DynamicItem``s: their custom id carries the vote and the proposal id, so they keep
working on old messages and after a restart without any stored view state.
"""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.errors import reply_error
from governance.domain.signing import SigningRequest
from governance.services import proposals

__all__ = ["VoteButton", "send_vote_link", "vote_view"]

_LABELS = {"for": ("For", discord.ButtonStyle.success), "against": ("Against", discord.ButtonStyle.danger),
           "abstain": ("Abstain", discord.ButtonStyle.secondary)}


class VoteButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                 template=r"vote:(?P<support>for|against|abstain):(?P<proposal>[0-9]{1,78})"):
    def __init__(self, support: str, proposal_id: int) -> None:
        label, style = _LABELS[support]
        super().__init__(discord.ui.Button(label=label, style=style, custom_id=f"vote:{support}:{proposal_id}"))
        self.support = support
        self.proposal_id = proposal_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> VoteButton:
        return cls(match["support"], int(match["proposal"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await interaction.response.defer(ephemeral=True, thinking=True)
            deps = interaction.client.ctx.service("proposals")  # type: ignore[attr-defined]
            request = await proposals.request_vote(deps, interaction.user.id, str(self.proposal_id), self.support)
            await send_vote_link(interaction, deps, request)
        except Exception as exc:  # noqa: BLE001 - the one error handler decides what the member reads
            await reply_error(interaction, exc)


def vote_view(proposal_id: int, open_for_votes: bool) -> discord.ui.View:
    """The buttons while voting is open; an empty view (which removes them) once it is closed."""
    view = discord.ui.View(timeout=None)
    if open_for_votes:
        for support in _LABELS:
            view.add_item(VoteButton(support, proposal_id))
    return view


async def send_vote_link(
    interaction: discord.Interaction, deps: proposals.ProposalDeps, request: SigningRequest
) -> None:
    data = request.data
    minutes = max(1, (request.expires - request.created) // 60)
    reason = f" with the reason “{data['reason']}”" if data.get("reason") else ""
    word = {0: "against", 1: "for", 2: "abstain"}[int(data["support"])]
    await interaction.followup.send(
        f"To vote **{word}**{reason} on proposal `{data['proposal_id']}`, open this one-time link and sign "
        f"with your linked wallet (valid {minutes} min; no fee, the bot relays your signed vote):\n"
        f"{deps.wallets.settings.page_url(request.token)}\n"
        "The page shows the transaction once your vote is on chain.",
        ephemeral=True,
    )
