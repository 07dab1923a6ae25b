"""The demo's HTML report: the transcript and the charts, in one self-contained file."""

from __future__ import annotations

import base64
import html
from pathlib import Path

from bot.demo.transcript import Transcript

__all__ = ["write_report"]

_CSS = """
body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;color:#1d2330}
h1{font-size:1.6em} h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ddd}
.l{font-family:ui-monospace,monospace;font-size:.86em;white-space:pre-wrap;margin:.1em 0}
.member{color:#0b6bcb;font-weight:600} .bot{color:#1a7f37} .chain{color:#8250df} .note{color:#6e7781}
figure{margin:1.2em 0} figure img{max-width:100%;border:1px solid #eee}
"""


def write_report(t: Transcript, path: Path, *, summary: list[str]) -> Path:
    parts = [f"<!doctype html><meta charset='utf-8'><title>daobot demo</title><style>{_CSS}</style>",
             "<h1>daobot demo: a whole DAO epoch on this machine</h1>", "<ul>"]
    parts += [f"<li>{html.escape(item)}</li>" for item in summary]
    parts.append("</ul>")
    for title, png in t.charts:
        data = base64.b64encode(png).decode("ascii")
        parts.append(f"<figure><img alt='{html.escape(title)}' src='data:image/png;base64,{data}'>"
                     f"<figcaption>{html.escape(title)}</figcaption></figure>")
    parts.append("<h2>Transcript</h2>")
    for line in t.lines:
        if line.kind == "step":
            parts.append(f"<h2>{html.escape(line.text)}</h2>")
            continue
        who = f"<span class='{line.kind}'>{html.escape(line.who)}</span> " if line.who else ""
        parts.append(f"<div class='l {line.kind}'>[{line.at:6.1f}s] {who}{html.escape(line.text)}</div>")
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
