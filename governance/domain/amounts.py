"""Token amounts: ``int`` base units everywhere, ``Decimal`` only to parse and format."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from governance.domain.errors import InvalidInput

__all__ = ["BPS", "format_units", "parse_units", "split_bps"]

BPS = 10_000
_MAX_UINT256 = 2**256 - 1


def parse_units(text: str, decimals: int) -> int:
    """Parse a human amount (``"12.5"``) into base units; refuse fractions finer than ``decimals``."""
    try:
        value = Decimal(text.strip().replace("_", ""))
    except (InvalidOperation, AttributeError) as exc:
        raise InvalidInput(f"{text!r} is not an amount.") from exc
    if not value.is_finite() or value < 0:
        raise InvalidInput(f"{text!r} is not a non-negative amount.")
    scaled = value.scaleb(decimals)
    if scaled != scaled.to_integral_value():
        raise InvalidInput(f"{text!r} has more than {decimals} decimal places.")
    units = int(scaled)
    if units > _MAX_UINT256:
        raise InvalidInput(f"{text!r} is too large.")
    return units


def format_units(units: int, decimals: int, places: int | None = None) -> str:
    """Format base units for people: ``format_units(1_500_000, 6) == "1.5"``."""
    if not isinstance(units, int) or isinstance(units, bool):
        raise TypeError("amounts are int base units")
    value = Decimal(units).scaleb(-decimals)
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places))
        return f"{value:,.{places}f}"
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def split_bps(amount: int, weights_bps: tuple[int, ...]) -> tuple[int, ...]:
    """Split ``amount`` by basis points, flooring each part; the dust goes to no one."""
    if sum(weights_bps) != BPS or any(w < 0 for w in weights_bps):
        raise InvalidInput("Basis points must be non-negative and sum to 10,000.")
    return tuple(amount * w // BPS for w in weights_bps)
