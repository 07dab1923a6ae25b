"""The demo's transcript: what each member typed, what the bot answered, what happened on chain."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.markup import escape

__all__ = ["Line", "Transcript", "describe_message"]

_STYLES = {"member": "bold cyan", "bot": "green", "chain": "magenta", "step": "bold yellow", "note": "dim"}


@dataclass(frozen=True)
class Line:
    kind: str  # step, member, bot, chain, note
    who: str
    text: str
    at: float


@dataclass
class Transcript:
    console: Console = field(default_factory=lambda: Console(width=130, soft_wrap=True))
    lines: list[Line] = field(default_factory=list)
    charts: list[tuple[str, bytes]] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    def _add(self, kind: str, who: str, text: str) -> None:
        line = Line(kind, who, text, time.monotonic() - self.started)
        self.lines.append(line)
        if kind == "step":
            self.console.rule(f"[{_STYLES['step']}]{escape(text)}")
            return
        label = f"[{_STYLES[kind]}]{escape(who):>9}[/] │ "
        for i, part in enumerate(text.splitlines() or [""]):
            self.console.print((label if i == 0 else " " * 10 + "│ ") + escape(part), highlight=False)

    def step(self, title: str) -> None:
        self._add("step", "", title)

    def member(self, name: str, typed: str) -> None:
        self._add("member", name, typed)

    def bot(self, text: str, *, to: str | None = None) -> None:
        self._add("bot", "daobot" if to is None else f"→{to}"[:9], text)

    def chain(self, text: str) -> None:
        self._add("chain", "chain", text)

    def note(self, text: str) -> None:
        self._add("note", "", text)

    def chart(self, title: str, png: bytes) -> None:
        self.charts.append((title, png))


def describe_message(message: Any, limit: int = 600) -> str:
    """A sandbox message as plain text: content, then each embed's title, description and fields."""
    parts = [message.content or ""]
    for embed in message.embeds or []:
        parts.append(" ".join(str(embed.get(k, "")) for k in ("title", "description") if embed.get(k)))
        parts += [f"{f['name']}: {f['value']}" for f in embed.get("fields", [])]
    text = "\n".join(p for p in parts if p).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
