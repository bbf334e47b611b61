"""Rewrite the regression pins of l_county's summary: tests/data/l_county_pin.json (the default
engine, Model 2) and tests/data/l_county_model1_pin.json (Model 1, kept for users of old results).

Run `make pin` (or `python -m tests.update_pin`) only when the model changes on purpose, and say
why in the commit message: the pins exist to catch changes nobody meant to make.
"""

import json
from pathlib import Path

import sim

DATA = Path(__file__).parent / "data"
PINS = {2: DATA / "l_county_pin.json", 1: DATA / "l_county_model1_pin.json"}
PIN = PINS[2]
SEED = 20251017
STEPS = 120


def pinned_summary(model_version: int = 2) -> dict:
    return sim.run(sim.load_scenario("l_county", model_version=model_version), seed=SEED, steps=STEPS).summary


def main() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    for version, path in PINS.items():
        body = {
            "scenario": "l_county",
            "model_version": version,
            "seed": SEED,
            "steps": STEPS,
            "summary": pinned_summary(version),
        }
        path.write_text(json.dumps(body, indent=2, sort_keys=True) + "\n")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
