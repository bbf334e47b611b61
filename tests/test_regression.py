"""Regression pins of the baseline (ENGINEERING.md conventions): l_county, one fixed seed, on the
default engine (Model 2) and on Model 1.

A failure here means the model's numbers changed. If that was meant, run `make pin` and commit the
new tests/data/*_pin.json with a message that says why; if not, it is a bug.
"""

import json
import math

import pytest

from tests.update_pin import PINS, pinned_summary


@pytest.mark.parametrize("version", sorted(PINS))
def test_l_county_summary_matches_pin(version):
    pin = json.loads(PINS[version].read_text())
    assert pin["model_version"] == version
    got = pinned_summary(version)
    assert set(got) == set(pin["summary"])
    for key, want in pin["summary"].items():
        value = got[key]
        if isinstance(want, float):
            # floats are compared to 1e-9 relative: same code, same numbers, on any platform we support
            assert math.isclose(value, want, rel_tol=1e-9, abs_tol=1e-12), (key, value, want)
        else:
            assert value == want, (key, value, want)
