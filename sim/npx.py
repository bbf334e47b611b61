"""NumPy's `mean` and `clip` without their Python wrappers, for the per-month hot path.

Bit for bit what `x.mean(axis)` and `np.clip(x, lo, hi)` give: NumPy's `_mean` sums with
`np.add.reduce` (in float64 for bool and integer input) and divides by the item count, and
`np.clip` on float input calls the `clip` ufunc. A run alone pays each wrapper's fixed cost about
fifty times a month (issue 12: `sim.evaluate` one at a time); tests/test_npx.py checks the twins.
It sits beside `state.py`, which both engines share, and is part of the model's hash.
"""

from __future__ import annotations

import numpy as np

try:  # the ufunc under np.clip
    from numpy._core.umath import clip
except ImportError:  # NumPy 1.26
    from numpy.core.umath import clip

__all__ = ["clip", "mean"]

_sum = np.add.reduce
_F8 = np.dtype(np.float64)


def mean(x: np.ndarray, axis: int, keepdims: bool = False) -> np.ndarray:
    """`x.mean(axis=axis, keepdims=keepdims)` for an array `x`, the same numbers."""
    dtype = None if x.dtype.kind in "fc" else _F8
    return _sum(x, axis=axis, dtype=dtype, keepdims=keepdims) / x.shape[axis]
