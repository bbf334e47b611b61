"""`county-sim interventions`: the intervention registry as text or Markdown."""

from __future__ import annotations

from ..interventions import GROUPS, INTERVENTIONS, LEVERS, START_ONLY, STATE_LEVERS, EventField
from ..params import PARAMS
from ..report.tables import markdown_table

HEADER = (
    "Interventions that a scenario ([[events]] or [[interventions]]) or a policy file ([[interventions]])"
    " can schedule:\n"
    '  month = M (1 .. the horizon), kind = "NAME", then the fields below (defaults fill what is left out).\n'
    "An intervention at month t acts at the start of month t, before that month's rules: every value"
    " recorded up to month t-1 is the same as without it."
)


def _fmt(v) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def field_text(name: str, f: EventField) -> str:
    default = "required" if f.default is None else f"default {_fmt(f.default)}"
    return f"{name}: {f.describe()}, {default} ({f.meaning})"


def lever_lines() -> list[tuple[str, str]]:
    """(group, 'name [low, high]' list) of the levers an intervention may change."""
    out = []
    for group in ("lever", "condition", "coupling", "rate"):
        names = [n for n in LEVERS if PARAMS[n].group == group]
        items = []
        for n in names:
            p = PARAMS[n]
            note = f" (moves {STATE_LEVERS[n]})" if n in STATE_LEVERS else ""
            items.append(f"{n} [{_fmt(p.low)}, {_fmt(p.high)}]{note}")
        out.append((group, ", ".join(items)))
    return out


def interventions_table(markdown: bool = False) -> str:
    """The registry grouped by what it acts on, then the levers that lever interventions may name."""
    if markdown:
        rows = []
        for k in INTERVENTIONS.values():
            fields = "; ".join(field_text(n, f) for n, f in k.fields.items()) or "none"
            rows.append(
                [f"`{k.name}` {k.zh}", GROUPS.get(k.group, k.group), k.meaning, fields, ", ".join(k.touches), k.source]
            )
        table = markdown_table(["kind", "group", "meaning", "fields", "touches", "paper passage"], rows)
        levers = markdown_table(["group", "parameters an intervention may change"], lever_lines())
        refused = ", ".join(f"`{n}`" for n in START_ONLY)
        return f"{table}\n\n{levers}\n\nNot changeable after month 0 (set them in [params]): {refused}."
    lines = [HEADER]
    for group, title in GROUPS.items():
        kinds = [k for k in INTERVENTIONS.values() if k.group == group]
        if not kinds:
            continue
        lines += ["", title]
        for k in kinds:
            lines.append(f"  {k.name}  {k.zh}")
            lines.append(f"    {k.meaning}")
            if k.fields:
                for n, f in k.fields.items():
                    lines.append(f"    - {field_text(n, f)}")
            else:
                lines.append("    - no fields")
            lines.append(f"    touches: {', '.join(k.touches)}")
            lines.append(f"    source:  {k.source}")
    lines += ["", "Parameters a lever intervention (set_lever, add_lever, ramp_lever) may name:"]
    for group, text in lever_lines():
        lines.append(f"  {group}: {text}")
    lines.append(f"  not after month 0 (set them in [params]): {', '.join(START_ONLY)}")
    return "\n".join(lines)
