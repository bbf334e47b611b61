"""Scenarios: a TOML file of parameter values and scheduled events, validated against the registry.

Every error is one `ScenarioError` whose message names the file, the key and what is allowed.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .params import DEFAULTS, PARAMS

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"
DEFAULT_STEPS = 120
MAX_STEPS = 1200
TOP_LEVEL_KEYS = ("name", "description", "paper", "steps", "params", "events")


class ScenarioError(ValueError):
    """Bad scenario input. The message is one line: file, key, what is allowed."""


@dataclass(frozen=True)
class EventField:
    low: float
    high: float
    default: float | None  # None: required
    meaning: str


@dataclass(frozen=True)
class EventKind:
    name: str
    meaning: str
    source: str
    fields: dict[str, EventField]


EVENT_KINDS: dict[str, EventKind] = {
    k.name: k
    for k in (
        EventKind(
            "higher_level_visit",
            "a visit or instruction from above: a pulse of drive that fades over months",
            "paper §2(一) 2013年11月…赴L县视察; Emerson et al. 2012 (consequential incentives)",
            {"strength": EventField(0.0, 1.0, 0.3, "size of the drive pulse")},
        ),
        EventKind(
            "rectification_campaign",
            "work-style rectification (作风建设年): discipline up, some lax cadres removed",
            "paper §3(一) '作风建设年'活动…及时发现并查处一批干部",
            {"strength": EventField(0.0, 1.0, 0.6, "campaign strength")},
        ),
        EventKind(
            "emancipation_campaign",
            "emancipation of thinking (解放思想大讨论): openness and motivation up, inertia down",
            "paper §3(一) '解放思想大讨论'活动",
            {"strength": EventField(0.0, 1.0, 0.6, "campaign strength")},
        ),
        EventKind(
            "leadership_change",
            "a new leadership team takes over now, with the given profile",
            "paper §2(一) 上下两届领导班子薪火相传",
            {
                "resolve": EventField(0.0, 1.0, None, "the successor team's reform resolve"),
                "public_value": EventField(0.0, 1.0, 0.5, "the successor team's public-value commitment"),
                "collaboration": EventField(0.0, 1.0, 0.5, "the successor team's collaborative skill"),
            },
        ),
    )
}


@dataclass(frozen=True)
class Event:
    month: int
    kind: str
    values: tuple[tuple[str, float], ...]

    def get(self, key: str) -> float:
        return dict(self.values)[key]


@dataclass(frozen=True)
class Scenario:
    name: str
    params: dict[str, Any]
    steps: int = DEFAULT_STEPS
    events: tuple[Event, ...] = ()
    description: str = ""
    paper: str = ""
    path: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    file_keys: tuple[str, ...] = ()  # the parameters the file itself sets, in its order

    def with_overrides(self, where: str | None = None, **overrides: Any) -> Scenario:
        """A copy with parameters (or `steps`) changed, validated like a file; errors name `where`
        (default: the scenario's file)."""
        scen = _build(
            self.name,
            {**self.params, **overrides},
            self.steps,
            self.events,
            self.description,
            self.paper,
            self.path,
            {**self.overrides, **overrides},
            where=where or self.path or "<overrides>",
        )
        return replace(scen, file_keys=self.file_keys)

    def content_hash(self) -> str:
        blob = json.dumps(
            {"params": self.params, "steps": self.steps, "events": [e.__dict__ for e in self.events]},
            sort_keys=True,
            default=list,
        )
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _suggest(key: str, allowed: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""


def _check_param(where: str, key: str, value: Any) -> Any:
    if key == "steps":
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_STEPS:
            raise ScenarioError(f"{where}: key 'steps' must be an integer in [1, {MAX_STEPS}] (got {value!r})")
        return value
    if key not in PARAMS:
        raise ScenarioError(
            f"{where}: unknown parameter '{key}'.{_suggest(key, list(PARAMS))}"
            " Run `county-sim params` for the allowed keys."
        )
    problem = PARAMS[key].check(value)
    if problem:
        raise ScenarioError(f"{where}: key '{key}' {problem}")
    return PARAMS[key].coerce(value)


def _parse_event(where: str, i: int, raw: Any, steps: int) -> Event:
    tag = f"events[{i}]"
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: key '{tag}' must be a table with 'month' and 'kind'")
    kind = raw.get("kind")
    if kind not in EVENT_KINDS:
        raise ScenarioError(
            f"{where}: key '{tag}.kind' must be one of {', '.join(EVENT_KINDS)} (got {kind!r})."
            + _suggest(str(kind), list(EVENT_KINDS))
        )
    month = raw.get("month")
    if isinstance(month, bool) or not isinstance(month, int):
        raise ScenarioError(f"{where}: key '{tag}.month' must be an integer month in [1, {steps}] (got {month!r})")
    if month < 1:
        raise ScenarioError(f"{where}: key '{tag}.month' is in the past: months run 1..{steps} (got {month})")
    if month > steps:
        raise ScenarioError(f"{where}: key '{tag}.month' is beyond the horizon of {steps} months (got {month})")
    spec = EVENT_KINDS[kind]
    values: dict[str, float] = {}
    for key, v in raw.items():
        if key in ("kind", "month"):
            continue
        if key not in spec.fields:
            allowed = ["month", "kind", *spec.fields]
            raise ScenarioError(
                f"{where}: unknown key '{tag}.{key}' for a {kind} event; allowed: {', '.join(allowed)}."
                + _suggest(key, allowed)
            )
        f = spec.fields[key]
        if isinstance(v, bool) or not isinstance(v, int | float) or not f.low <= v <= f.high:
            raise ScenarioError(f"{where}: key '{tag}.{key}' must be a number in [{f.low}, {f.high}] (got {v!r})")
        values[key] = float(v)
    for key, f in spec.fields.items():
        if key not in values:
            if f.default is None:
                raise ScenarioError(f"{where}: key '{tag}.{key}' is required for a {kind} event ({f.meaning})")
            values[key] = f.default
    return Event(month, kind, tuple(sorted(values.items())))


def _build(name, params, steps, events, description, paper, path, overrides, where) -> Scenario:
    if "steps" in params:
        steps = params.pop("steps")
    steps = _check_param(where, "steps", steps)
    full = dict(DEFAULTS)
    for key, value in params.items():
        full[key] = _check_param(where, key, value)
    for e in events:
        if e.month > steps:
            raise ScenarioError(
                f"{where}: an event ({e.kind}) at month {e.month} is beyond the horizon of {steps} months"
            )
    if full["n_cadres"] < full["n_departments"]:
        raise ScenarioError(
            f"{where}: key 'n_cadres' must be at least n_departments ({full['n_departments']})"
            " so that every department has staff"
        )
    if full["n_citizens"] < full["n_townships"]:
        raise ScenarioError(f"{where}: key 'n_citizens' must be at least n_townships ({full['n_townships']})")
    return Scenario(name, full, steps, tuple(events), description, paper, path, dict(overrides))


def resolve_path(name_or_path: str | Path) -> Path:
    """A scenario name (`l_county`) or a path to a TOML file."""
    p = Path(name_or_path)
    if p.suffix == ".toml" or p.exists() or "/" in str(name_or_path):
        return p
    return SCENARIO_DIR / f"{name_or_path}.toml"


def load_scenario(path: str | Path, **overrides: Any) -> Scenario:
    """Load and validate a scenario file (or a name from `scenarios/`); keyword overrides win."""
    p = resolve_path(path)
    where = str(p)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        known = sorted(x.stem for x in SCENARIO_DIR.glob("*.toml"))
        raise ScenarioError(
            f"{where}: file not found. Known scenarios: {', '.join(known)}.{_suggest(p.stem, known)}"
        ) from None
    except OSError as e:
        raise ScenarioError(f"{where}: cannot read file ({e.strerror})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ScenarioError(f"{where}: not valid TOML ({e})") from None
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            hint = _suggest(key, TOP_LEVEL_KEYS)
            if not hint and key in PARAMS:
                hint = f" Parameters go under [params]: put '{key}' there."
            raise ScenarioError(f"{where}: unknown top-level key '{key}'; allowed: {', '.join(TOP_LEVEL_KEYS)}.{hint}")
    params = data.get("params", {})
    if not isinstance(params, dict):
        raise ScenarioError(f"{where}: key 'params' must be a table of parameter = value")
    steps = data.get("steps", DEFAULT_STEPS)
    if "steps" in overrides:
        steps = overrides.pop("steps")
    steps = _check_param(where, "steps", steps)
    raw_events = data.get("events", [])
    if not isinstance(raw_events, list):
        raise ScenarioError(f"{where}: key 'events' must be an array of tables ([[events]])")
    events = sorted((_parse_event(where, i, e, steps) for i, e in enumerate(raw_events)), key=lambda e: e.month)
    name = data.get("name", p.stem)
    if not isinstance(name, str):
        raise ScenarioError(f"{where}: key 'name' must be a string")
    scen = _build(
        name,
        dict(params),
        steps,
        events,
        str(data.get("description", "")),
        str(data.get("paper", "")),
        where,
        {},
        where,
    )
    scen = replace(scen, file_keys=tuple(params))
    if overrides:
        scen = scen.with_overrides(**overrides)
    return scen


def default_scenario(**overrides: Any) -> Scenario:
    """The registry defaults with no events (useful in tests); `load_scenario('l_county')` is the baseline."""
    scen = Scenario("defaults", dict(DEFAULTS))
    return scen.with_overrides(**overrides) if overrides else scen


def parse_set(where: str, items: list[str]) -> dict[str, Any]:
    """Parse `KEY=VALUE` strings from the command line with TOML value syntax."""
    out: dict[str, Any] = {}
    for item in items:
        if "=" not in item:
            raise ScenarioError(f"{where}: --set '{item}' must look like KEY=VALUE")
        key, raw = item.split("=", 1)
        key = key.strip()
        try:
            value = tomllib.loads(f"v = {raw.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw.strip()
        out[key] = value
    return out
