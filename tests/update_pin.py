"""Rewrite the regression pin of l_county's summary (tests/data/l_county_pin.json).

Run `make pin` (or `python -m tests.update_pin`) only when the model changes on purpose, and say
why in the commit message: the pin exists to catch changes nobody meant to make.
"""

import json
from pathlib import Path

import sim

PIN = Path(__file__).parent / "data" / "l_county_pin.json"
SEED = 20251017
STEPS = 120


def pinned_summary() -> dict:
    return sim.run("l_county", seed=SEED, steps=STEPS).summary


def main() -> None:
    PIN.parent.mkdir(parents=True, exist_ok=True)
    body = {"scenario": "l_county", "seed": SEED, "steps": STEPS, "summary": pinned_summary()}
    PIN.write_text(json.dumps(body, indent=2, sort_keys=True) + "\n")
    print(f"wrote {PIN}")


if __name__ == "__main__":
    main()
