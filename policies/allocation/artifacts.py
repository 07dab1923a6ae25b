"""The artifact directory: PPO models, their normalisation statistics, and the model card.

``model_card.json`` records library versions, seeds, the scenario and training configuration, metrics,
the best fixed split and the SHA-256 of every other file. The card's own SHA-256 sits beside it in
``model_card.sha256`` (``sha256sum`` format, so ``sha256sum -c model_card.sha256`` checks it too): the card
holds the evaluation's decision, so an edit to the card is refused like an edit to a model.
:func:`load_artifact` checks every hash before it unpickles or unzips anything, and raises
:class:`IntegrityError` on any mismatch.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import platform
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from governance.domain.errors import IntegrityError, NotFound

__all__ = [
    "CARD_HASH_NAME",
    "CARD_NAME",
    "DEFAULT_DIR",
    "FORMAT",
    "SeedPolicy",
    "file_sha256",
    "library_versions",
    "load_artifact",
    "read_card",
    "verify_card_hash",
    "write_card",
]

CARD_NAME = "model_card.json"
CARD_HASH_NAME = "model_card.sha256"
DEFAULT_DIR = Path(__file__).resolve().parent / "artifacts"
"""Where the shipped artifact lives (written by ``daobot policy train``)."""
FORMAT = "daobot-allocation-v1"


@dataclass(frozen=True, eq=False)
class SeedPolicy:
    """One PPO seed's deterministic actor, as plain matrices: observation normalisation, then the MLP."""

    seed: int
    obs_mean: NDArray[np.float64]
    obs_scale: NDArray[np.float64]
    obs_clip: float
    layers: tuple[tuple[NDArray[np.float64], NDArray[np.float64]], ...]
    low: float = -1.0
    high: float = 1.0

    def normalise(self, obs: NDArray[np.floating[Any]]) -> NDArray[np.float64]:
        return np.clip((np.asarray(obs, dtype=np.float64) - self.obs_mean) / self.obs_scale,
                       -self.obs_clip, self.obs_clip)

    def act_normalised(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        """The action for an already normalised observation (rows are observations)."""
        for weight, bias in self.layers[:-1]:
            x = np.tanh(x @ weight.T + bias)
        weight, bias = self.layers[-1]
        return np.clip(x @ weight.T + bias, self.low, self.high)

    def act(self, obs: NDArray[np.floating[Any]]) -> NDArray[np.float64]:
        """The deterministic action (SB3's ``predict(obs, deterministic=True)``, clipped to the box)."""
        return self.act_normalised(self.normalise(obs))


def library_versions() -> dict[str, str]:
    import gymnasium
    import stable_baselines3
    import torch

    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch.__version__,
        "stable_baselines3": stable_baselines3.__version__,
        "gymnasium": gymnasium.__version__,
    }


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_card(directory: Path, card: dict[str, Any]) -> None:
    """Write the model card, hashing every file it names under ``"files"``."""
    card = dict(card)
    card["files"] = {name: file_sha256(directory / name) for name in sorted(card["files"])}
    (directory / CARD_NAME).write_text(json.dumps(card, indent=2, sort_keys=True) + "\n")
    (directory / CARD_HASH_NAME).write_text(f"{file_sha256(directory / CARD_NAME)}  {CARD_NAME}\n")


def read_card(directory: Path) -> dict[str, Any]:
    path = directory / CARD_NAME
    if not path.is_file():
        raise NotFound(f"No allocation model card at {path}; run `daobot policy train` first.")
    verify_card_hash(directory)
    try:
        card: dict[str, Any] = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise IntegrityError(f"The model card at {path} is not valid JSON.") from exc
    if card.get("format") != FORMAT:
        raise IntegrityError(f"The model card at {path} is not a {FORMAT} card.")
    return card


def verify_card_hash(directory: Path) -> None:
    """Raise :class:`IntegrityError` unless the card matches the SHA-256 recorded in ``model_card.sha256``."""
    recorded = directory / CARD_HASH_NAME
    if not recorded.is_file():
        raise IntegrityError(
            f"The allocation model card has no recorded SHA-256 ({CARD_HASH_NAME} is missing in {directory}), so "
            "its decision cannot be trusted. Restore the artifact or retrain it with `daobot policy train`."
        )
    expected = (recorded.read_text().split() or [""])[0].lower()
    if file_sha256(directory / CARD_NAME) != expected:
        raise IntegrityError(
            f"The allocation model card {CARD_NAME} does not match its recorded SHA-256 ({CARD_HASH_NAME}): it was "
            "changed after training or evaluation. Restore the artifact or retrain it with `daobot policy train`."
        )


def verify_files(directory: Path, card: dict[str, Any]) -> None:
    """Raise :class:`IntegrityError` unless every file named by the card has its recorded SHA-256."""
    for name, expected in card.get("files", {}).items():
        path = directory / name
        if Path(name).name != name or not path.is_file():
            raise IntegrityError(f"The allocation artifact file {name} is missing.")
        if file_sha256(path) != expected:
            raise IntegrityError(
                f"The allocation artifact file {name} does not match its SHA-256 in the model card. "
                "Restore the artifact or retrain it with `daobot policy train`."
            )


def load_artifact(directory: Path) -> tuple[dict[str, Any], tuple[SeedPolicy, ...]]:
    """The model card and every seed's actor, after checking every hash."""
    card = read_card(directory)
    verify_files(directory, card)
    policies = tuple(
        _load_seed(directory, entry["seed"], entry["model"], entry["vecnormalize"])
        for entry in card["models"]
    )
    if not policies:
        raise IntegrityError("The allocation artifact has no models.")
    return card, policies


def _load_seed(directory: Path, seed: int, model_name: str, stats_name: str) -> SeedPolicy:
    import torch
    from stable_baselines3 import PPO

    model = PPO.load(directory / model_name, device="cpu")
    with (directory / stats_name).open("rb") as handle:
        stats = pickle.load(handle)  # noqa: S301 - the file's SHA-256 was checked against the card
    linears: list[Any] = [m for m in model.policy.mlp_extractor.policy_net if isinstance(m, torch.nn.Linear)]
    linears.append(model.policy.action_net)
    layers = tuple(
        (lin.weight.detach().double().numpy().copy(), lin.bias.detach().double().numpy().copy())
        for lin in linears
    )
    rms = stats.obs_rms
    return SeedPolicy(
        seed=int(seed),
        obs_mean=np.asarray(rms.mean, dtype=np.float64),
        obs_scale=np.sqrt(np.asarray(rms.var, dtype=np.float64) + stats.epsilon),
        obs_clip=float(stats.clip_obs),
        layers=layers,
        low=float(np.min(getattr(model.action_space, "low", -1.0))),
        high=float(np.max(getattr(model.action_space, "high", 1.0))),
    )
