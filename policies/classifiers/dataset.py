"""Labelled text datasets in JSON Lines: one ``{"id": ..., "text": ..., "label": 0 or 1}`` per line."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from governance.domain.errors import InvalidInput

__all__ = ["LabelledDataset", "LabelledText", "dump_jsonl", "load_dataset"]


@dataclass(frozen=True, slots=True)
class LabelledText:
    id: str
    text: str
    label: int


@dataclass(frozen=True, slots=True)
class LabelledDataset:
    name: str
    rows: tuple[LabelledText, ...]
    sha256: str  # hex digest of the file's bytes: the dataset hash in model cards

    @property
    def texts(self) -> list[str]:
        return [row.text for row in self.rows]

    @property
    def labels(self) -> list[int]:
        return [row.label for row in self.rows]


def dump_jsonl(rows: Iterable[LabelledText]) -> bytes:
    lines = (json.dumps({"id": r.id, "text": r.text, "label": r.label}, ensure_ascii=False) for r in rows)
    return "".join(line + "\n" for line in lines).encode("utf-8")


def _row(line: str, number: int) -> LabelledText:
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"line {number}: not valid JSON ({exc.msg}).") from exc
    if not isinstance(raw, dict) or set(raw) != {"id", "text", "label"}:
        raise InvalidInput(f"line {number}: expected exactly the fields id, text and label.")
    if not isinstance(raw["text"], str) or not raw["text"].strip() or not isinstance(raw["id"], str):
        raise InvalidInput(f"line {number}: id and text must be non-empty strings.")
    if raw["label"] not in (0, 1) or isinstance(raw["label"], bool):
        raise InvalidInput(f"line {number}: label must be 0 or 1.")
    return LabelledText(raw["id"], raw["text"], int(raw["label"]))


def load_dataset(path: Path) -> LabelledDataset:
    """Read and validate a dataset file; its SHA-256 is taken over the exact bytes read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"Cannot read the dataset {path}: {exc.strerror}.") from exc
    lines = data.decode("utf-8").splitlines()
    rows = tuple(_row(line, n) for n, line in enumerate(lines, start=1) if line.strip())
    if len({row.label for row in rows}) < 2:
        raise InvalidInput(f"The dataset {path.name} needs examples of both labels.")
    return LabelledDataset(path.stem, rows, hashlib.sha256(data).hexdigest())
