"""The synthetic reference dataset: seeded, template-generated short posts for toxicity and spam.

It is invented data, written by this module from the templates in ``vocabulary``, and shipped in
``data/`` so the reference classifiers can be rebuilt bit for bit. Each task mixes:

- positives from that task's templates (``TOXIC`` or ``SPAM``);
- plain negatives (``NEUTRAL``), hard negatives that share words with positives
  (``TOUGH_BUT_FINE`` or ``LINKS_BUT_FINE``), and the other task's positives (spam is not toxic);
- ``LABEL_NOISE`` of labels flipped at random, so held-out metrics are not trivially perfect.

``random.Random`` seeded with a string is stable across runs and platforms.
"""

from __future__ import annotations

import random
import re

from governance.domain.errors import InvalidInput
from policies.classifiers import vocabulary as v
from policies.classifiers.dataset import LabelledText

__all__ = ["DATASET_SEED", "LABEL_NOISE", "ROWS_PER_TASK", "TASKS", "generate"]

TASKS = ("toxicity", "spam")
DATASET_SEED = 20261121
ROWS_PER_TASK = 3_000
LABEL_NOISE = 0.03
POSITIVE_SHARE = 0.4
HARD_NEGATIVE_SHARE = 0.25
OTHER_TASK_SHARE = 0.15
_SLOT = re.compile(r"\{(\w+)\}")

_POOLS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    # task: (positives, hard negatives, the other task's positives)
    "toxicity": (v.TOXIC, v.TOUGH_BUT_FINE, v.SPAM),
    "spam": (v.SPAM, v.LINKS_BUT_FINE, v.TOXIC),
}


def _fill(template: str, rng: random.Random) -> str:
    text = _SLOT.sub(lambda m: rng.choice(v.SLOTS[m.group(1)]), template)
    text = text[0].upper() + text[1:]
    roll = rng.random()
    if roll < 0.25:
        text = text.lower()
    elif roll < 0.30:
        text = text.upper()
    return text


def _template(task: str, label: int, rng: random.Random) -> str:
    positives, hard, other = _POOLS[task]
    if label:
        return rng.choice(positives)
    roll = rng.random()
    if roll < HARD_NEGATIVE_SHARE:
        return rng.choice(hard)
    if roll < HARD_NEGATIVE_SHARE + OTHER_TASK_SHARE:
        return rng.choice(other)
    return rng.choice(v.NEUTRAL)


def generate(task: str, seed: int = DATASET_SEED, rows: int = ROWS_PER_TASK) -> list[LabelledText]:
    """``rows`` labelled posts for ``task`` (``"toxicity"`` or ``"spam"``), the same for the same seed."""
    if task not in _POOLS:
        raise InvalidInput(f"Unknown task {task!r}; choose one of {', '.join(TASKS)}.")
    rng = random.Random(f"daobot-synthetic:{task}:{seed}")
    out: list[LabelledText] = []
    for index in range(rows):
        label = int(rng.random() < POSITIVE_SHARE)
        text = _fill(_template(task, label, rng), rng)
        if rng.random() < LABEL_NOISE:
            label = 1 - label
        out.append(LabelledText(f"{task[:3]}-{index:05d}", text, label))
    return out
