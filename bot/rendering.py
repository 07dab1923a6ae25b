"""Plain-words rendering shared by the cogs: amounts, addresses, links to the explorer."""

from __future__ import annotations

from governance.domain.amounts import format_units

__all__ = ["short_address", "tokens", "usd"]

TOKEN_DECIMALS = 18
USD_DECIMALS = 6


def tokens(units: int) -> str:
    return format_units(units, TOKEN_DECIMALS, places=2)


def usd(units: int) -> str:
    return format_units(units, USD_DECIMALS, places=2) + " USD"


def short_address(address: str) -> str:
    return f"{address[:6]}…{address[-4:]}"
