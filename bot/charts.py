"""PNG charts for Discord messages, drawn with matplotlib's Agg canvas (no display, no global pyplot state)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from governance.domain.chain_records import Tally

__all__ = ["allocation_chart", "tally_chart"]

_COLORS = {"For": "#2e9d5b", "Against": "#c8423b", "Abstain": "#8a8f98"}


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=100, bbox_inches="tight")
    return out.getvalue()


def tally_chart(tally: Tally, quorum: int | None, decimals: int = 18) -> bytes:
    """Horizontal bars of for / against / abstain in whole tokens, with the quorum line on for+abstain."""
    scale = 10**decimals
    labels = ["For", "Against", "Abstain", "For + abstain"]
    values = [tally.votes_for, tally.votes_against, tally.votes_abstain, tally.votes_for + tally.votes_abstain]
    figure = Figure(figsize=(6, 2.4))
    axes = figure.add_subplot()
    colors = [_COLORS["For"], _COLORS["Against"], _COLORS["Abstain"], "#4a6fa5"]
    axes.barh(labels, [v / scale for v in values], color=colors)
    if quorum:
        axes.axvline(quorum / scale, color="#333333", linestyle="--", linewidth=1)
        axes.text(quorum / scale, 3.45, " quorum", fontsize=8, va="center")
    axes.invert_yaxis()
    axes.set_xlabel("votes (tokens)")
    axes.set_title("Tally")
    return _png(figure)


def allocation_chart(names: Sequence[str], bps: Sequence[int]) -> bytes:
    """The treasury's split over its pools, in percent."""
    figure = Figure(figsize=(6, 2.6))
    axes = figure.add_subplot()
    axes.barh(list(names), [b / 100 for b in bps], color="#4a6fa5")
    for index, value in enumerate(bps):
        axes.text(value / 100, index, f" {value / 100:.1f}%", va="center", fontsize=8)
    axes.invert_yaxis()
    axes.set_xlabel("% of revenue")
    axes.set_title("Treasury allocation")
    return _png(figure)
