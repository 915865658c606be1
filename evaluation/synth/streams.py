"""Seeded random streams: one independent numpy Generator per part of a wave.

Each part (survey answers, free text, focus group, coders) has its own stream derived from
``(seed, wave, part)``, so the wave number changes every draw (2025 and 2026 differ with the same
seed) and turning free text off leaves the structured answers byte-identical.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import numpy as np

PARTS = ("survey", "text", "focus_group", "coders")
T = TypeVar("T")


def stream(seed: int, wave: int, part: str) -> np.random.Generator:
    """The Generator for one part of one wave."""
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    return np.random.default_rng(np.random.SeedSequence([seed, wave, PARTS.index(part)]))


class Picker:
    """Fast scalar random choices drawn from a numpy Generator in blocks of uniforms.

    Composing text makes millions of small choices; calling ``Generator.integers`` for each is
    slow, so uniforms are drawn in blocks and consumed in order (still fully seeded).
    """

    def __init__(self, rng: np.random.Generator, block: int = 8192) -> None:
        self._rng = rng
        self._block = block
        self._buffer = rng.random(block)
        self._next = 0

    def uniform(self) -> float:
        """One uniform draw on [0, 1)."""
        if self._next == self._block:
            self._buffer = self._rng.random(self._block)
            self._next = 0
        value = float(self._buffer[self._next])
        self._next += 1
        return value

    def chance(self, probability: float) -> bool:
        """True with the given probability."""
        return self.uniform() < probability

    def choice(self, options: Sequence[T]) -> T:
        """One of ``options``, uniformly."""
        return options[int(self.uniform() * len(options))]

    def weighted(self, weights: Sequence[float]) -> int:
        """An index drawn with probability proportional to ``weights``."""
        target = self.uniform() * sum(weights)
        running = 0.0
        for index, weight in enumerate(weights):
            running += weight
            if target < running:
                return index
        return len(weights) - 1

    def sample(self, weights: dict[str, float], k: int) -> list[str]:
        """``k`` distinct keys drawn without replacement, proportional to their weights."""
        pool = {key: w for key, w in weights.items() if w > 0}
        chosen: list[str] = []
        while pool and len(chosen) < k:
            keys = list(pool)
            key = keys[self.weighted([pool[c] for c in keys])]
            chosen.append(key)
            del pool[key]
        return chosen
