"""`make demo` runs the whole story to the end, writes its report, and leaves nothing running."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.usefixtures("anvil_bin")
def test_demo_runs_end_to_end(tmp_path: Path) -> None:
    demo = subprocess.Popen([sys.executable, "-c", "from bot.cli import main; main()", "demo"], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    out, err = demo.communicate(timeout=600)
    assert demo.returncode == 0, out[-3000:] + err[-3000:]
    # Everything the demo started (anvil, servers) was in its session: nothing of it may outlive it.
    leftovers = subprocess.run(["pgrep", "-s", str(demo.pid)], capture_output=True, text=True, check=False)
    assert leftovers.stdout == "", f"processes left running: {leftovers.stdout}"
    transcript = (tmp_path / "out" / "demo" / "transcript.txt").read_text(encoding="utf-8")
    for milestone in ("castVoteBySig relayed", "anchored on the ModerationLedger", "it matches",
                      "the bot executed proposal", "listed = False", "Treasury allocation is now",
                      "MATCH: the root on chain is the one the chain data gives.", "(exit code 0)"):
        assert milestone in transcript, milestone
    report = (tmp_path / "out" / "demo" / "report.html").read_text(encoding="utf-8")
    assert report.count("data:image/png;base64,") == 3
