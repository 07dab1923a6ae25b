"""Column types that keep money and chain values exact on every backend."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

__all__ = ["UInt256"]

_WIDTH = 78  # decimal digits of 2**256 - 1


class UInt256(TypeDecorator[int]):
    """A uint256 as a zero-padded 78-digit string: exact on SQLite and PostgreSQL, and sortable."""

    impl = String(_WIDTH)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 0 or value >= 2**256:
            raise ValueError(f"not a uint256: {value!r}")
        return str(value).zfill(_WIDTH)

    def process_result_value(self, value: Any, dialect: Dialect) -> int | None:
        return None if value is None else int(value)
