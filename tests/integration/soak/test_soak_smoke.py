"""The soak (bench/soak.py) in small: three epochs on anvil with random members, one SIGKILL restart of the
bot process and RPC faults between the bot and anvil; every invariant holds (payouts exactly once, epochs
closed, tallies, outbox neither losing nor doubling a message, no transaction left in flight)."""

from __future__ import annotations

from pathlib import Path

from soak import SoakConfig, report, run_soak


async def test_three_epochs_with_a_restart_and_faults_break_no_invariant(tmp_path: Path, anvil_bin: Path) -> None:
    config = SoakConfig(epochs=3, seed=5, fault_rate=0.05, restart_chance=0.0, proposal_chance=1.0,
                        forced_restarts=(1,), step_timeout=60, settle_timeout=60, workdir=tmp_path)
    result = await run_soak(config)

    assert result.restarts == 1
    assert sum(result.faults.values()) > 0, "the proxy injected faults"
    counts = {check.name: check.counts for check in result.checks}
    assert counts["payouts exactly once"]["claims"] > 0
    assert counts["tallies = on-chain counts"]["votes"] > 0
    assert counts["outbox: none lost, none doubled"]["notifications"] > 0
    assert result.violations == [], report(result)
