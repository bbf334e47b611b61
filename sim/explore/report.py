"""`county-sim report DIR`: one Markdown report (and the same as HTML) of a sweep: design, run
counts, seeds, indices, figures, discovery rules and the manifest, for an appendix."""

from __future__ import annotations

import base64
import html
import json
import re
from pathlib import Path
from typing import Any

import numpy as np

from .. import manifest as mf
from .sensitivity import ANALYSIS_DIR, analyze_dir


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8").strip() if path.exists() else ""


def _pct(v: float | None) -> str:
    return "-" if v is None or v != v else f"{100 * v:.0f}%"


def build_markdown(folder: Path) -> str:
    """The report's Markdown text (figures linked relative to `folder`)."""
    a = folder / ANALYSIS_DIR
    summary = json.loads(_read(a / "analysis.json") or "{}")
    manifest = json.loads(_read(folder / "manifest.json") or "{}")
    exp = manifest.get("experiment", {})
    lines: list[str] = [f"# Experiment report: {summary.get('experiment', folder.name)}", ""]
    if exp.get("description"):
        lines += [exp["description"], ""]

    lines += ["## Design", ""]
    method = summary.get("method", exp.get("method", "?"))
    scen = (manifest.get("scenario") or {}).get("name")
    lines += [
        f"- method: **{method}** {json.dumps(exp.get('design', {}))}",
        f"- model: {exp.get('model', 'county')} ({manifest.get('model_version', '?')})",
    ]
    if scen:
        path = (manifest.get("scenario") or {}).get("path")
        lines.append(f"- base scenario: `{scen}` ({path}), {manifest.get('steps')} months")
    if exp.get("fixed"):
        lines.append(f"- fixed for every run: {', '.join(f'{k} = {v}' for k, v in exp['fixed'].items())}")
    lines += ["", "| parameter | varied over | distribution |", "| --- | --- | --- |"]
    for v in exp.get("varied", []):
        over = f"values {v['values']}" if v.get("values") else f"[{v.get('low')}, {v.get('high')}]"
        lines.append(f"| {v['name']} | {over} | {v.get('distribution', 'grid levels')} |")
    lines.append("")

    lines += ["## Runs and seeds", ""]
    lines += [
        f"- points: {summary.get('points')}; replicates per point: {summary.get('replicates')}; "
        f"runs: {summary.get('runs_stored')} stored of {summary.get('runs_planned')} planned",
        f"- root seed: {manifest.get('root_seed')}. {manifest.get('seed_derivation', '')}",
        f"- last sweep: {manifest.get('runs_new')} runs run, {manifest.get('runs_already_stored')} already stored, "
        f"backend {manifest.get('backend')} x{manifest.get('workers')}, chunks of {manifest.get('chunk_size')}, "
        f"{manifest.get('seconds')} s",
    ]
    if "sustained_share" in summary:
        lines.append(f"- share of runs that sustain the trajectory: {_pct(summary['sustained_share'])}")
    lines += ["", "Every run is a row of `runs.csv` (point, replicate, run_seed, seed, varied values, outputs)."]
    example = rerun_command(folder, manifest)
    if example:
        lines += ["Any run can be rerun alone and gives the same numbers; the first one:", "", "```sh", example, "```"]
    lines.append("")

    lines += ["## Outputs and replicate noise", ""]
    lines += [
        "Indices are computed on the replicate means of each point. The noise share is the within-point "
        "(between-replicate) variance over the total variance of the output across all runs: the part "
        "of the variation no parameter explains; `noise_share_of_means` is the same for the replicate "
        "means the indices are computed on.",
        "",
        _read(a / "noise.md"),
        "",
    ]

    for output, entry in summary.get("outputs", {}).items():
        if not any(k in entry for k in ("sobol", "morris")) and not (a / f"grid_{output}.png").exists():
            continue
        lines += [f"## {output}", ""]
        if "sobol" in entry:
            eta = entry.get("noise_share_of_means", float("nan"))
            d = len(entry["sobol"])
            lines += [
                f"Sum of first-order indices {entry['sum_S1']:.3f} ± {entry.get('sum_S1_conf', float('nan')):.3f}; "
                f"sum of total-order indices {entry.get('sum_ST', float('nan')):.3f} ± "
                f"{entry.get('sum_ST_conf', float('nan')):.3f}; sum of ST - S1 (interactions, counted once per "
                f"parameter taking part) {entry.get('sum_ST_minus_S1', float('nan')):.3f} ± "
                f"{entry.get('sum_ST_minus_S1_conf', float('nan')):.3f} (95% bootstrap). "
                + (
                    f"Replicate noise is {_pct(eta)} of the variance of the replicate means; it would lower "
                    "each S1 by the factor 1 - noise and raise each ST by about the noise share, so the "
                    "indices shown are corrected for it (those of the mean response; Hart, Alexanderian & "
                    "Gremaud 2017). The uncorrected ones are the columns S1_raw and ST_raw (sums "
                    f"{entry.get('sum_S1_raw', float('nan')):.3f} and {entry.get('sum_ST_raw', float('nan')):.3f}). "
                    if entry.get("noise_corrected")
                    else "With one replicate per point, replicate noise (if the model has any) cannot be "
                    "measured: it would lower each S1 and raise each ST by its share of the variance. "
                )
                + f"ST - S1 is each parameter's share in interactions with the other {d - 1}.",
                "",
                _read(a / f"sobol_{output}.md"),
                "",
                f"![S1 and ST of {output}]({ANALYSIS_DIR}/sobol_{output}.png)",
                "",
            ]
            if (a / f"s2_{output}.png").exists():
                lines += [f"![S2 of {output}]({ANALYSIS_DIR}/s2_{output}.png)", ""]
            lines += [
                f"Convergence (first N/2 base samples vs all N): the three largest ST in "
                f"{'a different' if entry.get('top3_changed_half_vs_full') else 'the same'} order; the whole "
                f"ranking by ST {'changed' if entry.get('ranking_changed_half_vs_full') else 'unchanged'}; largest "
                f"change in an ST {entry.get('max_abs_change_ST', float('nan')):.3f}.",
                "",
                _read(a / f"convergence_{output}.md"),
                "",
            ]
        if "morris" in entry:
            lines += [
                _read(a / f"morris_{output}.md"),
                "",
                f"![Morris {output}]({ANALYSIS_DIR}/morris_{output}.png)",
                "",
            ]
        if (a / f"grid_{output}.png").exists():
            lines += [f"![{output} over the grid]({ANALYSIS_DIR}/grid_{output}.png)", ""]

    if "discovery" in summary:
        lines += ["## Which region of parameter space sustains the trajectory", ""]
        lines += [
            "Box rules found by PRIM (peeling, pasting, covering) over the runs; coverage is the share of all "
            "sustaining runs inside the box, density the share of the box's runs that sustain "
            f"(against {_pct(summary.get('sustained_share'))} of all runs).",
            "",
        ]
        if summary["discovery"]:
            for i, b in enumerate(summary["discovery"], 1):
                lines.append(
                    f"{i}. `{b['rule']}` covers {_pct(b['coverage'])} of the sustaining runs "
                    f"at {_pct(b['density'])} density ({b['runs_in_box']} runs in the box)."
                )
        else:
            share = summary.get("sustained_share")
            if share in (0.0, 1.0):
                lines.append("No rule: every run, or none, sustains the trajectory.")
            else:
                lines.append(
                    "No readable rule (at most four conditions, covering at least 10% of the sustaining runs at "
                    "three times the base rate) separates the sustaining runs."
                )
        lines.append("")
        if summary.get("discovery_significance"):
            lines += [
                "How much each restriction of the first rule adds: the rule's density with and without it, and "
                "the one-sided binomial quasi-p-value that it adds nothing (screening figures: the rule was "
                "chosen on the same runs).",
                "",
                _read(a / "discovery_significance.md"),
                "",
            ]
        stab = summary.get("discovery_stability")
        if stab:
            lines += [
                f"Stability: PRIM on {stab['resamples']} random halves of the runs found a first rule over exactly "
                f"the same parameters in {_pct(stab['same_parameters'])} of them; the share of halves whose first "
                "rule restricts each parameter:",
                "",
                _read(a / "discovery_stability.md"),
                "",
            ]
        if (a / "discovery_tradeoff.png").exists():
            lines += [f"![PRIM trade-off]({ANALYSIS_DIR}/discovery_tradeoff.png)", ""]
        if (a / "envelopes.png").exists():
            lines += [f"![trajectory envelopes]({ANALYSIS_DIR}/envelopes.png)", ""]

    lines += ["## Manifest", "", "```json", json.dumps(manifest, indent=2, ensure_ascii=False), "```", ""]
    return "\n".join(lines)


def rerun_command(folder: Path, manifest: dict[str, Any]) -> str | None:
    """The `county-sim run` command that reruns the first run of runs.csv alone (None without a scenario)."""
    import pandas as pd

    scenario = manifest.get("scenario")
    runs = folder / "runs.csv"
    if not scenario or not runs.exists():
        return None
    row = pd.read_csv(runs, nrows=1)
    if row.empty:
        return None
    exp = manifest.get("experiment", {})
    sets = dict(exp.get("fixed", {}))
    for v in exp.get("varied", []):
        value = row[v["name"]].iloc[0]
        sets[v["name"]] = bool(value) if isinstance(value, bool | np.bool_) else value.item()
    args = [f"--set {k}={str(v).lower() if isinstance(v, bool) else repr(v)}" for k, v in sets.items()]
    from ..scenario import SCENARIO_DIR

    path = Path(scenario.get("path") or scenario["name"])
    name = path.stem if path.parent.resolve() == SCENARIO_DIR.resolve() else str(path)
    return f"county-sim run {name} --steps {manifest.get('steps')} --seed {int(row['run_seed'].iloc[0])} " + " ".join(
        args
    )


def _image(match: re.Match, folder: Path | None) -> str:
    """An image, embedded as a data URI when its file is in `folder` (the page then stands alone:
    it can be mailed or attached to a paper without its analysis folder), else linked."""
    alt, src = match.group(1), match.group(2)
    path = folder / html.unescape(src) if folder is not None else None
    if path is not None and path.is_file() and path.suffix.lower() == ".png":
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f'<img alt="{alt}" src="data:image/png;base64,{data}">'
    return f'<img alt="{alt}" src="{src}">'


def _inline(text: str, folder: Path | None = None) -> str:
    """Inline Markdown (code, bold, images, links) to HTML; images in `folder` are embedded."""
    out = html.escape(text, quote=False)
    out = re.sub(r"!\[([^\]]*)\]\(([^)]+)\)", lambda m: _image(m, folder), out)
    out = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r'<a href="\2">\1</a>', out)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", out)


def markdown_to_html(md: str, title: str, folder: Path | None = None) -> str:
    """The small Markdown subset this report uses (headings, paragraphs, lists, tables, images,
    fenced code) as a standalone HTML page: images found in `folder` are embedded, and the manifest
    (a fenced block under "## Manifest") is folded into a <details> element."""
    body: list[str] = []
    lines = md.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            j = i + 1
            while j < len(lines) and not lines[j].startswith("```"):
                j += 1
            block = "<pre><code>" + html.escape("\n".join(lines[i + 1 : j])) + "</code></pre>"
            if body and body[-1] == "<h2>Manifest</h2>":
                block = f"<details><summary>manifest.json ({j - i - 1} lines)</summary>{block}</details>"
            body.append(block)
            i = j + 1
            continue
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            body.append(f"<h{level}>{_inline(line[level:].strip(), folder)}</h{level}>")
        elif line.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                rows.append([c.strip() for c in re.split(r"(?<!\\)\|", lines[i].strip())[1:-1]])
                i += 1
            head, body_rows = rows[0], [r for r in rows[2:]]
            t = ["<table>", "<tr>" + "".join(f"<th>{_inline(c, folder)}</th>" for c in head) + "</tr>"]
            t += [
                "<tr>" + "".join(f"<td>{_inline(c.replace(chr(92) + '|', '|'), folder)}</td>" for c in r) + "</tr>"
                for r in body_rows
            ]
            body.append("\n".join([*t, "</table>"]))
            continue
        elif re.match(r"^(- |\d+\. )", line):
            tag = "ul" if line.startswith("- ") else "ol"
            items = []
            while i < len(lines) and re.match(r"^(- |\d+\. )", lines[i]):
                items.append("<li>" + _inline(re.sub(r"^(- |\d+\. )", "", lines[i]), folder) + "</li>")
                i += 1
            body.append(f"<{tag}>" + "".join(items) + f"</{tag}>")
            continue
        elif line.strip():
            body.append(f"<p>{_inline(line, folder)}</p>")
        i += 1
    style = (
        "body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;line-height:1.45}"
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}"
        "td:first-child,th:first-child{text-align:left}img{max-width:100%}pre{background:#f6f6f6;padding:1em;"
        "overflow:auto;font-size:85%}"
    )
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{html.escape(title)}</title>\n'
        f"<style>{style}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


def write_report(folder: Path, reanalyse: bool = False) -> list[str]:
    """Write report.md and report.html into `folder`, analysing first if the analysis is missing or
    older than the last sweep (its manifest)."""
    done = folder / ANALYSIS_DIR / "analysis.json"
    manifest = folder / "manifest.json"
    stale = not done.exists() or (manifest.exists() and manifest.stat().st_mtime > done.stat().st_mtime)
    if reanalyse or stale:
        analyze_dir(folder)
    md = build_markdown(folder)
    with mf.atomic_open(folder / "report.md", "w", encoding="utf-8", newline="\n") as f:
        f.write(md)
    title: Any = md.split("\n", 1)[0].lstrip("# ")
    with mf.atomic_open(folder / "report.html", "w", encoding="utf-8", newline="\n") as f:
        f.write(markdown_to_html(md, title, folder))
    return ["report.md", "report.html"]
