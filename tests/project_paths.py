"""Where things are, for tests that run Node scripts or read project files."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = ROOT / "contracts"
NODE_BIN = CONTRACTS / "node_modules" / ".bin"
