"""The fault-injecting JSON-RPC proxy now lives in ``bot.devnet_proxy`` (the soak test uses it too)."""

from bot.devnet_proxy import FAULTS, FaultProxy

__all__ = ["FAULTS", "FaultProxy"]
