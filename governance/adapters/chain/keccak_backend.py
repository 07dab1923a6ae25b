"""Install the C-backed Keccak-256 of ``eth_hash`` as the domain's backend (Merkle trees, checksums)."""

from __future__ import annotations

from eth_hash.auto import keccak

from governance.domain.keccak import use_keccak_backend

__all__ = ["install_fast_keccak"]


def _fast_keccak(data: bytes) -> bytes:
    return keccak(data)


def install_fast_keccak() -> None:
    """Idempotent; the domain checks the backend against its reference implementation once."""
    use_keccak_backend(_fast_keccak)
