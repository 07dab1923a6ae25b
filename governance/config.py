"""daobot's settings: one object, built once by an entrypoint and passed in.

Every setting reads from the environment with the ``DAOBOT_`` prefix (or a ``.env`` file);
secrets are ``SecretStr`` and never appear in ``repr``, ``str``, logs or error messages.
``.env.example`` documents each one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from governance.domain.addresses import Address, parse_address
from governance.domain.errors import ConfigError, InvalidInput

__all__ = ["KNOWN_CHAINS", "Settings", "load_settings"]

#: Chains daobot knows how to talk to; an unknown chain id is refused rather than guessed at.
KNOWN_CHAINS: dict[int, str] = {
    1: "Ethereum mainnet",
    10: "OP Mainnet",
    137: "Polygon PoS",
    8453: "Base",
    42161: "Arbitrum One",
    11155111: "Sepolia",
    84532: "Base Sepolia",
    31337: "local anvil / hardhat",
    131277322940537: "local eth-tester",
}


def _split_ids(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="DAOBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    # Discord
    discord_token: SecretStr | None = None
    discord_guild_id: int | None = None
    discord_api_base: str | None = None
    admin_role_ids: Annotated[tuple[int, ...], NoDecode] = ()
    member_role_id: int | None = None
    proposals_channel_id: int | None = None
    announcements_channel_id: int | None = None
    moderation_channel_id: int | None = None
    admin_alerts_channel_id: int | None = None

    # Chain
    rpc_url: str = "eth-tester://in-process"
    chain_id: int = 131277322940537
    deployment_file: Path = Path("var/deployment.json")
    governor_address: str | None = None
    keystore_path: Path | None = None
    keystore_password_file: Path | None = None
    signer_private_key: SecretStr | None = None
    confirmations: int = Field(default=2, ge=0, le=200)
    dry_run: bool = False
    max_fee_gwei: int = Field(default=200, gt=0)
    tx_replace_after_seconds: int = Field(default=120, gt=0)
    tx_fee_bump_pct: int = Field(default=12, ge=10, le=100)

    # Storage and web
    database_url: str = "sqlite+aiosqlite:///var/daobot.sqlite"
    public_base_url: str = "http://127.0.0.1:8080"
    signing_requests_per_10_minutes: int = Field(default=20, ge=1, le=1000)
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=0, le=65535)
    platform_token: SecretStr | None = None

    # Schedules (cron expressions in UTC, or seconds on dev chains)
    epoch_job_interval_seconds: int = Field(default=300, gt=0)
    payout_claim_batch_gas: int = Field(default=6_000_000, ge=150_000, le=30_000_000)
    payout_first_epoch: int = Field(default=0, ge=0)
    moderation_open_cron: str = "0 */6 * * *"
    moderation_round_seconds: int = Field(default=86_400, gt=0)
    moderation_batch_size: int = Field(default=20, gt=0, le=200)
    moderation_score_threshold: float = Field(default=0.8, ge=0.0, le=1.0)
    classifier_artifacts_dir: Path | None = None
    indexer_poll_seconds: float = Field(default=4.0, gt=0)
    reminder_hours_before_deadline: int = Field(default=24, ge=1)
    reminder_seconds_before_deadline: int | None = Field(default=None, gt=0)  # overrides the hours (dev chains)
    seconds_per_block: float = Field(default=12.0, gt=0)

    # Allocation advisor
    allocation_op_cost_per_epoch: int = Field(default=0, ge=0)  # base units of the revenue token
    allocation_artifact_dir: Path | None = None  # None: the shipped artifact in policies/allocation/artifacts
    allocation_auto_propose: bool = False

    # Snapshot
    snapshot_hub_url: str = "https://hub.snapshot.org/graphql"
    snapshot_sequencer_url: str = "https://seq.snapshot.org"
    snapshot_space: str | None = None
    snapshot_poll_seconds: float = Field(default=60.0, gt=0)

    log_level: str = "INFO"

    @field_validator("admin_role_ids", mode="before")
    @classmethod
    def _ids(cls, value: Any) -> Any:
        return _split_ids(value)

    @field_validator("classifier_artifacts_dir", mode="before")
    @classmethod
    def _empty_is_default(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("chain_id")
    @classmethod
    def _known_chain(cls, value: int) -> int:
        if value not in KNOWN_CHAINS:
            raise ValueError(f"unknown chain id {value}; known: {', '.join(map(str, sorted(KNOWN_CHAINS)))}")
        return value

    @field_validator("governor_address")
    @classmethod
    def _address(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        try:
            return parse_address(value)
        except InvalidInput as exc:
            raise ValueError(exc.message) from None

    @field_validator("public_base_url", "snapshot_hub_url", "snapshot_sequencer_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @property
    def chain_name(self) -> str:
        return KNOWN_CHAINS[self.chain_id]

    @property
    def reminder_window_seconds(self) -> int:
        if self.reminder_seconds_before_deadline is not None:
            return self.reminder_seconds_before_deadline
        return self.reminder_hours_before_deadline * 3_600

    def require_discord_token(self) -> SecretStr:
        if self.discord_token is None or not self.discord_token.get_secret_value():
            raise ConfigError("DAOBOT_DISCORD_TOKEN", "is required to connect to Discord (see .env.example)")
        return self.discord_token

    def address(self, name: str, value: str) -> Address:
        """Parse an address-valued setting, naming the setting when it is malformed."""
        try:
            return parse_address(value)
        except InvalidInput as exc:
            raise ConfigError(f"DAOBOT_{name.upper()}", exc.message) from exc


def load_settings(**overrides: Any) -> Settings:
    """Build the settings, turning validation failures into one ``ConfigError`` naming the setting."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first.get("loc") else "settings"
        problem = str(first.get("msg", "is not valid")).removeprefix("Value error, ")
        raise ConfigError(f"DAOBOT_{field.upper()}", problem) from None
