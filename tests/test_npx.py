"""The hot path's `mean` and `clip` (sim/npx.py) give NumPy's numbers bit for bit: the model's
results must not depend on which of the two a rule calls (issue 12's single-call speed)."""

import numpy as np
import pytest

from sim.npx import clip, mean

# shapes that cover what the rules reduce: one run or many, fewer than 8 items (NumPy adds them in
# order), 8 to 128 (unrolled blocks) and more than 128 (pairwise summation), three axes
SHAPES = [(1, 1), (1, 7), (3, 16), (2, 9, 5), (64, 300), (1, 1000), (5, 129, 3)]


def _array(rng, shape, kind):
    if kind == "bool":
        return rng.random(shape) < 0.3
    if kind == "int":
        return rng.integers(-50, 50, shape)
    # values of many magnitudes, so that any change in the order of additions shows in the last bits
    return rng.random(shape) * 10.0 ** rng.integers(-6, 6, shape)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("kind", ["float", "bool", "int"])
def test_mean_is_numpys_mean_bit_for_bit(shape, kind):
    rng = np.random.default_rng(sum(shape))
    x = _array(rng, shape, kind)
    for axis in range(-1, x.ndim):
        for keepdims in (False, True):
            want = x.mean(axis=axis, keepdims=keepdims)
            got = mean(x, axis, keepdims=keepdims)
            assert got.dtype == want.dtype == np.float64
            assert got.shape == want.shape
            assert got.tobytes() == want.tobytes(), (shape, kind, axis, keepdims)


def test_mean_of_a_strided_view_and_a_fancy_index():
    rng = np.random.default_rng(7)
    x = _array(rng, (6, 40), "float")
    idx = np.array([3, 1, 17, 8])
    for view in (x[:, ::3], x[::2].T, x[:, idx]):
        assert mean(view, 1).tobytes() == view.mean(axis=1).tobytes()


def test_mean_keeps_nan_where_numpy_does():
    x = np.array([[1.0, np.nan, 2.0], [1.0, 2.0, 3.0]])
    got, want = mean(x, 1), x.mean(axis=1)
    assert np.isnan(got[0]) and np.isnan(want[0]) and got[1] == want[1] == 2.0


def test_clip_is_numpys_clip_bit_for_bit():
    rng = np.random.default_rng(3)
    x = rng.normal(0.5, 1.0, (4, 50))
    x[0, :3] = (np.nan, -np.inf, np.inf)
    want = np.clip(x, 0.0, 1.0)
    assert clip(x, 0.0, 1.0).tobytes() == want.tobytes()
    y = x.copy()
    clip(y, 0.0, 1.0, out=y)  # in place, as the step clips its bounded arrays
    assert y.tobytes() == want.tobytes()
    assert float(clip(1.7, 0.0, 1.0)) == 1.0 and float(clip(-0.2, 0.0, 1.0)) == 0.0
