"""The real discord.py client (commands.Bot with app commands) against the sandbox."""

from __future__ import annotations

import asyncio
import io
import zlib
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from bot.sandbox import SandboxError, SandboxServer, pointed_at
from bot.sandbox.console import run_console

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(13) + zlib.crc32(b"IHDR").to_bytes(4, "big")


class OwnerOnly(discord.ui.View):
    """A button only the member who asked for the panel may press."""

    def __init__(self, owner_id: int) -> None:
        super().__init__(timeout=30)
        self.owner_id = owner_id

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message("This panel is not yours.", ephemeral=True)
        return False

    @discord.ui.button(label="Confirm", custom_id="panel:confirm", style=discord.ButtonStyle.green)
    async def confirm(self, interaction: discord.Interaction, button: discord.ui.Button[OwnerOnly]) -> None:
        await interaction.response.edit_message(content=f"Confirmed by {interaction.user.name}", view=None)


class Feedback(discord.ui.Modal, title="Feedback"):
    text: discord.ui.TextInput[Feedback] = discord.ui.TextInput(label="Your feedback", custom_id="fb:text")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"Thanks: {self.text.value}", ephemeral=True)


class PoolPicker(discord.ui.View):
    @discord.ui.select(
        custom_id="pool",
        options=[discord.SelectOption(label=name, value=name) for name in ("reserve", "bounties", "dividends")],
    )
    async def chosen(self, interaction: discord.Interaction, select: discord.ui.Select[PoolPicker]) -> None:
        await interaction.response.defer()
        await interaction.edit_original_response(content=f"Pool: {select.values[0]}", view=None)


@dataclass
class Seen:
    interactions: Counter[int] = field(default_factory=Counter)
    role_updates: list[tuple[str, list[str]]] = field(default_factory=list)
    resumed: asyncio.Event = field(default_factory=asyncio.Event)
    role_updated: asyncio.Event = field(default_factory=asyncio.Event)


classifier = app_commands.Group(name="classifier", description="Classifier administration")


@classifier.command(name="delist", description="Propose delisting a classifier")
async def delist(interaction: discord.Interaction, classifier_id: int, reason: str = "none") -> None:
    await interaction.response.send_message(f"delist #{classifier_id} ({reason})")


def make_bot(seen: Seen) -> commands.Bot:
    intents = discord.Intents.default()
    intents.members = True
    bot = commands.Bot(command_prefix="!", intents=intents, guild_ready_timeout=0.05)
    _add_commands(bot)
    _add_listeners(bot, seen)
    return bot


def _add_commands(bot: commands.Bot) -> None:
    @bot.tree.command(description="Repeat the text")
    async def echo(interaction: discord.Interaction, text: str) -> None:
        await interaction.response.send_message(f"echo: {text}")

    @bot.tree.command(description="A slow answer")
    async def slow(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await asyncio.sleep(0.05)
        await interaction.followup.send("slow answer", ephemeral=True)

    @bot.tree.command(description="Post then edit")
    async def revise(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("draft")
        await interaction.edit_original_response(content="final", embed=discord.Embed(title="Tally"))

    @bot.tree.command(description="DM a chart")
    async def chart(interaction: discord.Interaction) -> None:
        await interaction.user.send("your chart", file=discord.File(io.BytesIO(PNG), filename="chart.png"))
        await interaction.response.send_message("sent", ephemeral=True)

    @bot.tree.command(description="Show a panel")
    async def panel(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Confirm?", view=OwnerOnly(interaction.user.id))

    @bot.tree.command(description="Give feedback")
    async def feedback(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(Feedback())

    @bot.tree.command(description="Pick a pool")
    async def pick(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Which pool?", view=PoolPicker())

    bot.tree.add_command(classifier)


def _add_listeners(bot: commands.Bot, seen: Seen) -> None:
    @bot.listen()
    async def on_interaction(interaction: discord.Interaction) -> None:
        seen.interactions[interaction.id] += 1

    @bot.listen()
    async def on_member_update(before: discord.Member, after: discord.Member) -> None:
        seen.role_updates.append((after.name, [r.name for r in after.roles]))
        seen.role_updated.set()

    @bot.listen()
    async def on_resumed() -> None:
        seen.resumed.set()


@dataclass
class Running:
    sandbox: SandboxServer
    bot: commands.Bot
    seen: Seen


async def _ready(bot: commands.Bot) -> None:
    while bot.ws is None:  # wait_until_ready needs the login to have happened
        await asyncio.sleep(0.01)
    await bot.wait_until_ready()


@pytest.fixture
async def running() -> AsyncIterator[Running]:
    async with SandboxServer() as sandbox:
        with pointed_at(sandbox.base_url):
            seen = Seen()
            bot = make_bot(seen)
            task = asyncio.create_task(bot.start(sandbox.token))
            try:
                await asyncio.wait_for(_ready(bot), 10)
                await bot.tree.sync()
                yield Running(sandbox, bot, seen)
            finally:
                await bot.close()
                await asyncio.wait_for(task, 10)


async def test_commands_are_synced_with_their_options(running: Running) -> None:
    names = {c.name for c in running.sandbox.state.commands.values()}
    assert {"echo", "slow", "revise", "chart", "panel", "feedback", "pick", "classifier"} <= names
    with pytest.raises(SandboxError, match="missing required"):
        await running.sandbox.member("alice").slash("echo")


async def test_slash_command_gets_an_immediate_public_reply(running: Running) -> None:
    result = await running.sandbox.member("alice").slash("echo", text="hello")
    reply = await result.response()
    assert reply.content == "echo: hello"
    assert not reply.ephemeral
    assert result.record.response_type == 4
    assert result.ack_latency is not None and result.ack_latency < 3
    assert reply in running.sandbox.messages("general")


async def test_deferred_reply_is_completed_by_the_followup(running: Running) -> None:
    result = await running.sandbox.member("bob").slash("slow")
    assert await result.acknowledgement() == 5
    reply = await result.response()
    assert reply.content == "slow answer"
    assert reply.ephemeral and reply.visible_to == running.sandbox.member("bob").id
    assert reply not in running.sandbox.messages("general")


async def test_subcommand_options_reach_the_handler_typed(running: Running) -> None:
    result = await running.sandbox.member("carol").slash(("classifier", "delist"), classifier_id="7")
    assert (await result.response()).content == "delist #7 (none)"


async def test_edit_keeps_history(running: Running) -> None:
    result = await running.sandbox.member("alice").slash("revise")
    message = await running.sandbox.wait_for_message(lambda m: m.content == "final", channel="general")
    assert message.id == result.record.original_message_id
    assert [edit.content for edit in message.history] == ["draft"]
    assert message.embeds[0]["title"] == "Tally"


async def test_dm_with_png_attachment(running: Running) -> None:
    alice = running.sandbox.member("alice")
    await alice.slash("chart")
    dm = await alice.wait_for_dm(lambda m: bool(m.attachments))
    assert dm.content == "your chart"
    assert dm.attachments[0].filename == "chart.png"
    assert dm.attachments[0].content_type == "image/png"
    assert dm.attachments[0].data == PNG


async def test_button_refuses_the_wrong_member_then_accepts_the_owner(running: Running) -> None:
    alice, bob = running.sandbox.member("alice"), running.sandbox.member("bob")
    panel = await (await alice.slash("panel")).response()
    refused = await (await bob.click(panel, "panel:confirm")).response()
    assert refused.content == "This panel is not yours." and refused.ephemeral
    assert panel.content == "Confirm?"
    clicked = await alice.click(panel, "panel:confirm")
    assert await clicked.acknowledgement() == 7
    assert panel.content == "Confirmed by alice"
    assert panel.components == []


async def test_select_menu_with_deferred_update(running: Running) -> None:
    bob = running.sandbox.member("bob")
    question = await (await bob.slash("pick")).response()
    with pytest.raises(SandboxError, match="not options"):
        await bob.select(question, "pool", ["treasury"])
    chosen = await bob.select(question, "pool", ["bounties"])
    assert await chosen.acknowledgement() == 6
    await running.sandbox.wait_for_message(lambda m: m.id == question.id and m.content == "Pool: bounties")


async def test_modal_submit(running: Running) -> None:
    alice = running.sandbox.member("alice")
    shown = await alice.slash("feedback")
    assert (await shown.modal())["title"] == "Feedback"
    submitted = await alice.submit_modal(shown, {"fb:text": "more charts"})
    assert (await submitted.response()).content == "Thanks: more charts"


async def test_role_change_reaches_the_bot(running: Running) -> None:
    await running.sandbox.member("bob").add_role("admin")
    await asyncio.wait_for(running.seen.role_updated.wait(), 5)
    assert running.seen.role_updates == [("bob", ["@everyone", "member", "admin"])]
    guild = running.bot.get_guild(running.sandbox.guild.id)
    assert guild is not None
    member = guild.get_member(running.sandbox.member("bob").id)
    assert member is not None and "admin" in [r.name for r in member.roles]


async def test_resume_after_forced_disconnect_loses_and_doubles_nothing(running: Running) -> None:
    sandbox, alice = running.sandbox, running.sandbox.member("alice")
    before = await alice.slash("echo", text="before")
    await before.response()
    async with sandbox.gateway_outage() as closed:
        assert closed == 1
        during = [await alice.slash("echo", text=f"during {n}") for n in range(3)]
    session = await sandbox.wait_until_connected(resumes=1)
    await asyncio.wait_for(running.seen.resumed.wait(), 5)
    replies = [(await result.response()).content for result in during]
    after = await (await alice.slash("echo", text="after")).response()
    assert replies == ["echo: during 0", "echo: during 1", "echo: during 2"]
    assert after.content == "echo: after"
    assert len(sandbox.sessions) == 1 and session.replayed >= 3
    assert set(running.seen.interactions.values()) == {1}
    assert len(running.seen.interactions) == 5


async def test_console_runs_typed_commands_and_prints_replies(running: Running) -> None:
    lines = iter(["/as carol /classifier delist 7 reason=spam\n", "/as alice /echo hi there\n", "/as bob /nope\n"])
    output: list[str] = []

    async def read_line() -> str:
        return next(lines, "")

    await run_console(running.sandbox, read_line, output.append)
    text = "\n".join(output)
    assert "daobot" in text and "delist #7 (spam)" in text
    assert "echo: hi there" in text
    assert "! no slash command /nope" in text
