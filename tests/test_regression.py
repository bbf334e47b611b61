"""Regression pin of the baseline (ENGINEERING.md conventions): l_county, one fixed seed.

A failure here means the model's numbers changed. If that was meant, run `make pin` and commit the
new tests/data/l_county_pin.json with a message that says why; if not, it is a bug.
"""

import json
import math

from tests.update_pin import PIN, pinned_summary


def test_l_county_summary_matches_pin():
    pin = json.loads(PIN.read_text())
    got = pinned_summary()
    assert set(got) == set(pin["summary"])
    for key, want in pin["summary"].items():
        value = got[key]
        if isinstance(want, float):
            # floats are compared to 1e-9 relative: same code, same numbers, on any platform we support
            assert math.isclose(value, want, rel_tol=1e-9, abs_tol=1e-12), (key, value, want)
        else:
            assert value == want, (key, value, want)
