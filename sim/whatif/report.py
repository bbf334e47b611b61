"""The tables `county-sim compare` prints and the one-page report it writes (Markdown and HTML,
English or Chinese): the question, the variants, the interventions and when, the figures, the table
of differences, how many runs and seeds, and what the model leaves out.

The report is built once as a list of blocks (heading, paragraph, table, figure, list) and rendered
to both formats, so the Markdown and the HTML say the same thing; the HTML embeds its figures.
"""

from __future__ import annotations

import base64
import html
import math
from pathlib import Path
from typing import Any

import numpy as np

from ..interventions import INTERVENTIONS
from ..report.tables import markdown_table, text_table
from .compare import OUTCOME, OUTCOMES, Comparison
from .figures import kind_label

#: Outcomes in the printed and reported tables (differences.csv has all of `OUTCOMES`).
TABLE_OUTCOMES: tuple[str, ...] = (
    "sustained",
    "t_start",
    "t_build",
    "t_activate",
    "t_deliver",
    "final_real_performance",
    "final_assessed_performance",
    "assessment_gap",
    "final_satisfaction",
    "gap_closure",
)

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Policy what-if",
        "question": "Question",
        "auto_question": "What changes if the county follows {alts} instead of {base}?",
        "answer": "Short answer",
        "variants": "Variants",
        "glance": "Variants at a glance",
        "interventions": "Interventions and when",
        "trajectories": "Trajectories",
        "differences": "Differences from the base",
        "forest": "Paired differences",
        "runs": "Runs and seeds",
        "caveats": "What the model leaves out",
        "reproduce": "Reproduce",
        "h_variant": "variant",
        "h_role": "role",
        "h_spec": "specification",
        "h_what": "what it is",
        "base": "base",
        "alternative": "alternative",
        "h_month": "month",
        "h_intervention": "intervention",
        "h_settings": "settings",
        "h_paper": "paper",
        "in_base": "base schedule (every variant has it unless listed as removed)",
        "removed": "removed from the base",
        "none": "none",
        "h_outcome": "outcome",
        "h_base": "base",
        "h_var": "variant",
        "h_diff": "difference",
        "h_ci": "95% CI (paired)",
        "h_better": "better / worse in",
        "h_width": "CI width paired / unpaired",
        "h_sustains": "sustains",
        "h_start": "start",
        "h_build": "build",
        "h_activate": "activate",
        "h_deliver": "deliver",
        "h_real": "real",
        "h_assessed": "assessed",
        "h_satisfaction": "satisfaction",
        "glance_note": "Phase columns: median month the phase began, among replicates that reached it"
        " (with the share reaching it when not all did); real, assessed and satisfaction are means"
        " at the last month.",
        "pp": "pp",
        "mo": "mo",
        "na": "n/a",
        "vs": "{alt} vs {base} ({n} paired replicates)",
        "better_note": "Base and variant: means over replicates (phase months over those that reached it)."
        " Better / worse in: shares of replicates (seeds) in which the variant does better or"
        " worse than the base, the rest being ties. Better means higher performance, satisfaction, gap closure"
        " and share sustaining, earlier phases, and a smaller assessed-minus-real gap. Phase months are"
        " compared over the replicates in which both runs reached the phase (n when not all did).",
        "runs_text": "{V} variants x {R} replicates = {N} runs of {T} months each. Every variant ran on the"
        " same {R} replicate seeds (replicate r of root seed {S}: SeedSequence({S}).spawn), so each"
        " difference is paired run by run (common random numbers). 95% intervals: percentile bootstrap"
        " over replicates, {B} resamples. For final real performance the paired interval is {ratio}"
        " the unpaired one (the interval the same runs give without pairing; median over variants).",
        "ratio_x": "1/{x:.0f} the width of",
        "ratio_same": "as wide as",
        "ratio_zero": "of zero width, unlike",
        "answer_line": "{alt}: final real performance {d} (95% CI {ci}), better in {better} of replicates;"
        " delivers {months}; share sustaining {sus}.",
        "answer_months": "{m} months {dir} on average (95% CI {ci})",
        "earlier": "earlier",
        "later": "later",
        "same_month": "at the same month",
        "never": "not reached in both",
        "fig_traj": "Real performance and satisfaction: median and 10-90% band over replicates;"
        " dotted lines: the interventions each variant adds, dashed grey: the base's.",
        "fig_forest": "Paired differences with 95% bootstrap intervals (thick) beside the unpaired"
        " intervals (thin grey).",
        "caveat_items": [
            "The model is a formal reading of one qualitative case study (Bao & Liu 2025, L County)."
            " Its parameters are not estimated from L County's data: results are in model months and"
            " 0-1 levels, and they are comparisons between policies, not forecasts.",
            "The intervals cover the model's own randomness only (replicates on common seeds); they do"
            " not cover uncertainty about parameters or functional forms (see the sensitivity analysis).",
            "Left out: the content of particular projects and policies, the costs of an intervention and"
            " what else the money could buy, fiscal transfers and directives from above beyond the"
            " resource and pressure parameters, other counties' reactions, cadres' careers outside the"
            " county, and measurement of performance beyond the gaming term.",
            "Months of interventions are assumptions wherever the paper gives no date (it dates only"
            " the higher-level visit of November 2013).",
            "Phases (start, build, activate, deliver) are the model's classification of its own series"
            " (docs/MODEL.md §6), not the paper's periodisation of L County.",
        ],
        "generated": "Generated by county-sim {version}; data in differences.csv, variants.csv and"
        " summary.csv; provenance in manifest.json.",
    },
    "zh": {
        "title": "政策情景推演",
        "question": "问题",
        "auto_question": "如果县里采取 {alts} 而不是 {base}, 会有什么不同?",
        "answer": "简要结论",
        "variants": "方案",
        "glance": "各方案概览",
        "interventions": "干预措施及时间",
        "trajectories": "绩效轨迹",
        "differences": "与基准方案的差异",
        "forest": "配对差异",
        "runs": "运行次数与随机种子",
        "caveats": "模型没有包含的内容",
        "reproduce": "复现",
        "h_variant": "方案",
        "h_role": "角色",
        "h_spec": "设定",
        "h_what": "内容",
        "base": "基准",
        "alternative": "备选",
        "h_month": "月份",
        "h_intervention": "干预",
        "h_settings": "参数",
        "h_paper": "论文出处",
        "in_base": "基准方案的安排 (除非注明删除, 各方案均包含)",
        "removed": "相对基准删除",
        "none": "无",
        "h_outcome": "结果指标",
        "h_base": "基准",
        "h_var": "方案",
        "h_diff": "差值",
        "h_ci": "95% 置信区间 (配对)",
        "h_better": "更优 / 更差比例",
        "h_width": "区间宽度 配对 / 不配对",
        "h_sustains": "持续改进",
        "h_start": "启动",
        "h_build": "蓄力",
        "h_activate": "激活",
        "h_deliver": "发力",
        "h_real": "实际绩效",
        "h_assessed": "考核绩效",
        "h_satisfaction": "满意度",
        "glance_note": "阶段列: 达到该阶段的重复中, 该阶段开始月份的中位数 (并非全部达到时注明达到比例);"
        " 实际绩效、考核绩效、满意度为最后一个月的均值。",
        "pp": "百分点",
        "mo": "个月",
        "na": "无",
        "vs": "{alt} 对比 {base} ({n} 对配对重复)",
        "better_note": "基准与方案: 各重复的均值 (阶段月份只计达到该阶段的重复)。"
        "更优 / 更差比例: 方案优于或劣于基准的重复 (随机种子) 所占比例, 其余为持平。更优指绩效、"
        "满意度、差距缩小比例和持续比例更高, 阶段更早, 考核与实际之差更小。阶段月份只在两者都达到该阶段的"
        "重复上比较 (并非全部达到时注明 n)。",
        "runs_text": "{V} 个方案 x {R} 次重复 = {N} 次运行, 每次 {T} 个月。所有方案使用相同的 {R} 个重复种子"
        " (根种子 {S} 的第 r 个重复: SeedSequence({S}).spawn), 因而每个差值都是逐次配对的 (共同随机数)。"
        "95% 区间: 对重复做百分位自助法, {B} 次重抽样。期末实际绩效的配对区间{ratio} (不配对区间即同样的运行"
        "不做配对时得到的区间; 取各方案的中位数)。",
        "ratio_x": "宽度是不配对区间的 1/{x:.0f}",
        "ratio_same": "与不配对区间同样宽",
        "ratio_zero": "宽度为零, 不配对区间则不为零",
        "answer_line": "{alt}: 期末实际绩效 {d} (95% 置信区间 {ci}), {better} 的重复中更优; 发力 {months};"
        " 持续改进比例 {sus}。",
        "answer_months": "平均{dir} {m} 个月 (95% 置信区间 {ci})",
        "earlier": "提前",
        "later": "推迟",
        "same_month": "同月",
        "never": "两者未同时达到",
        "fig_traj": "实际绩效与群众满意度: 各次重复的中位数与 10%-90% 区间;"
        " 点线: 各方案新增的干预, 灰色虚线: 基准方案的干预。",
        "fig_forest": "配对差值及 95% 自助法区间 (粗线), 旁边是不配对时的区间 (细灰线)。",
        "caveat_items": [
            "本模型是对一个质性案例 (包国宪、刘璎 2025, L县) 的形式化解读, 参数并非由L县数据估计:"
            " 结果以模型月份和 0-1 水平表示, 是政策之间的比较, 不是预测。",
            "置信区间只反映模型自身的随机性 (共同种子上的重复), 不反映参数或函数形式的不确定性 (见敏感性分析)。",
            "模型没有包含: 具体项目和政策的内容, 干预的成本及其机会成本, 资源与压力参数之外的上级转移支付和指令,"
            " 其他县的反应, 干部在县外的职业发展, 以及数据失真之外的绩效测量问题。",
            "论文未给出日期的干预时间均为假设 (论文只给出了 2013 年 11 月上级视察的时间)。",
            "阶段 (启动、蓄力、激活、发力) 是模型对自身序列的分类 (docs/MODEL.md §6), 不是论文对L县的分期。",
        ],
        "generated": "由 county-sim {version} 生成; 数据见 differences.csv、variants.csv 和 summary.csv;"
        " 来源信息见 manifest.json。",
    },
}


# --- formatting -------------------------------------------------------------------------------------------


def _missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _signed(x: float, digits: int) -> str:
    """`x` with a sign and `digits` decimals; a value that rounds to zero is '+0…', never '-0…'."""
    text = f"{x:+.{digits}f}"
    return f"{0.0:+.{digits}f}" if float(text) == 0.0 else text


def fmt_level(x: Any, kind: str, lang: str, signed: bool = False) -> str:
    """A value of an outcome in its unit: shares in %, months to one decimal, levels to 3 decimals."""
    t = TEXT[lang]
    if _missing(x):
        return t["na"]
    if kind == "share":
        return _signed(x * 100, 0) + "%" if signed else f"{x * 100:.0f}%"
    if kind == "month":
        return _signed(x, 1) if signed else f"{x:.1f}"
    return _signed(x, 3) if signed else f"{x:.3f}"


def fmt_diff(x: Any, kind: str, lang: str) -> str:
    """A paired difference: percentage points, months, or level units with enough digits."""
    t = TEXT[lang]
    if _missing(x):
        return t["na"]
    if kind == "share":
        return f"{_signed(x * 100, 1)} {t['pp']}"
    if kind == "month":
        return f"{_signed(x, 1)} {t['mo']}"
    return _signed(x, 4)


def fmt_ci(lo: Any, hi: Any, kind: str, lang: str) -> str:
    if _missing(lo) or _missing(hi):
        return TEXT[lang]["na"]
    if kind == "share":
        return f"[{_signed(lo * 100, 1)}, {_signed(hi * 100, 1)}]"
    if kind == "month":
        return f"[{_signed(lo, 1)}, {_signed(hi, 1)}]"
    return f"[{_signed(lo, 4)}, {_signed(hi, 4)}]"


def fmt_width(w: Any, kind: str) -> str:
    if _missing(w):
        return "-"
    if kind == "share":
        return f"{w * 100:.1f}"
    if kind == "month":
        return f"{w:.1f}"
    return f"{w:.4f}"


def outcome_label(name: str, lang: str) -> str:
    o = OUTCOME[name]
    return o.zh if lang == "zh" else o.en


def difference_rows(result: Comparison, label: str, lang: str) -> list[list[str]]:
    """Rows of the table of one variant against the base."""
    d = result.differences
    rows = []
    for name in TABLE_OUTCOMES:
        r = d[(d["variant"] == label) & (d["outcome"] == name)].iloc[0]
        o = OUTCOME[name]
        n_note = "" if r["n"] == result.replicates else f" (n={r['n']})"
        rows.append(
            [
                outcome_label(name, lang) + n_note,
                fmt_level(r["base_mean"], o.kind, lang),
                fmt_level(r["variant_mean"], o.kind, lang),
                fmt_diff(r["difference"], o.kind, lang),
                fmt_ci(r["ci_low"], r["ci_high"], o.kind, lang),
                TEXT[lang]["na"]
                if _missing(r["share_better"])
                else f"{r['share_better']:.0%} / {r['share_worse']:.0%}",
                f"{fmt_width(r['ci_width'], o.kind)} / {fmt_width(r['unpaired_ci_width'], o.kind)}",
            ]
        )
    return rows


def difference_headers(lang: str) -> list[str]:
    t = TEXT[lang]
    return [t["h_outcome"], t["h_base"], t["h_var"], t["h_diff"], t["h_ci"], t["h_better"], t["h_width"]]


DIFF_ALIGN = ["<", ">", ">", ">", ">", ">", ">"]


def glance_rows(result: Comparison, lang: str) -> list[list[str]]:
    rows = []
    for _, r in result.levels.iterrows():
        cells = [r["variant"], f"{r['share_sustained']:.0%}"]
        for ph in ("start", "build", "activate", "deliver"):
            share, med = r[f"share_{ph}"], r[f"median_t_{ph}"]
            if share == 0:
                cells.append("-")
            else:
                cells.append(f"{med:.0f}" + ("" if share == 1 else f" ({share:.0%})"))
        cells += [f"{r['final_real_performance']:.3f}", f"{r['final_assessed_performance']:.3f}"]
        cells.append(f"{r['final_satisfaction']:.3f}")
        rows.append(cells)
    return rows


def glance_headers(lang: str) -> list[str]:
    t = TEXT[lang]
    return [
        t["h_variant"],
        t["h_sustains"],
        t["h_start"],
        t["h_build"],
        t["h_activate"],
        t["h_deliver"],
        t["h_real"],
        t["h_assessed"],
        t["h_satisfaction"],
    ]


GLANCE_ALIGN = ["<", ">", ">", ">", ">", ">", ">", ">", ">"]


def print_tables(result: Comparison, lang: str = "en") -> str:
    """The text the command prints: the variants at a glance, then one table per variant."""
    t = TEXT[lang]
    parts = [text_table(glance_headers(lang), glance_rows(result, lang), GLANCE_ALIGN), t["glance_note"]]
    for v in result.variants[1:]:
        parts.append("")
        parts.append(t["vs"].format(alt=v.label, base=result.base.label, n=result.replicates))
        parts.append(text_table(difference_headers(lang), difference_rows(result, v.label, lang), DIFF_ALIGN))
    parts.append("")
    parts.append(t["better_note"])
    return "\n".join(parts)


def _settings(e) -> str:
    return ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in e.values)


def _grouped(events) -> list[tuple[str, object]]:
    """(months, event) with events of the same kind and settings merged: '4, 10, 16'."""
    groups: dict[tuple, list] = {}
    for e in events:
        groups.setdefault((e.kind, e.values), []).append(e)
    return [(", ".join(str(e.month) for e in evs), evs[0]) for evs in groups.values()]


def intervention_rows(result: Comparison, lang: str) -> list[list[str]]:
    t = TEXT[lang]
    rows = []

    def add(who: str, events, note: str = "") -> None:
        if not events:
            rows.append([who, "", t["none"], "", ""])
        for months, e in _grouped(events):
            name = kind_label(e.kind, lang) + (f" ({note})" if note else "")
            rows.append([who, months, name, _settings(e), "" if note else INTERVENTIONS[e.kind].source])

    base = result.base
    add(f"{base.label} ({t['base']})", base.scenario.events)
    for v in result.variants[1:]:
        add(v.label, v.added)
        if v.removed:
            add(v.label, v.removed, t["removed"])
    return rows


def question_of(result: Comparison, lang: str, question: str | None = None) -> str:
    if question:
        return question
    for v in [*result.variants[1:], result.base]:
        for p in v.policies:
            q = (p.question_zh or p.question) if lang == "zh" else p.question
            if q:
                return q
    alts = ", ".join(v.label for v in result.variants[1:])
    return TEXT[lang]["auto_question"].format(alts=alts, base=result.base.label)


def width_ratio(result: Comparison) -> float:
    """Median over variants of unpaired / paired CI width of final real performance (inf if paired is 0)."""
    d = result.differences
    d = d[d["outcome"] == "final_real_performance"]
    ratios = []
    for _, r in d.iterrows():
        if r["ci_width"] > 0:
            ratios.append(r["unpaired_ci_width"] / r["ci_width"])
        elif r["unpaired_ci_width"] > 0:
            ratios.append(math.inf)
    return float(np.median(ratios)) if ratios else math.nan


def answer_lines(result: Comparison, lang: str) -> list[str]:
    t = TEXT[lang]
    lines = []
    d = result.differences
    for v in result.variants[1:]:
        real = d[(d["variant"] == v.label) & (d["outcome"] == "final_real_performance")].iloc[0]
        sus = d[(d["variant"] == v.label) & (d["outcome"] == "sustained")].iloc[0]
        dl = d[(d["variant"] == v.label) & (d["outcome"] == "t_deliver")].iloc[0]
        if dl["n"] == 0:
            months = t["never"]
        elif round(dl["difference"], 1) == 0:
            months = t["same_month"]
        else:
            months = t["answer_months"].format(
                m=f"{abs(dl['difference']):.1f}",
                dir=t["earlier"] if dl["difference"] < 0 else t["later"],
                ci=fmt_ci(dl["ci_low"], dl["ci_high"], "month", lang),
            )
        lines.append(
            t["answer_line"].format(
                alt=v.label,
                d=fmt_diff(real["difference"], "level", lang),
                ci=fmt_ci(real["ci_low"], real["ci_high"], "level", lang),
                better=TEXT[lang]["na"] if _missing(real["share_better"]) else f"{real['share_better']:.0%}",
                months=months,
                sus=f"{sus['base_mean']:.0%} -> {sus['variant_mean']:.0%}",
            )
        )
    return lines


def blocks(
    result: Comparison,
    lang: str,
    figures: dict[str, str],
    command: str,
    question: str | None = None,
) -> list[tuple]:
    """The report as blocks: ("h1"|"h2"|"p"|"note", text), ("table", headers, rows, align),
    ("img", file, caption), ("ul", items), ("code", text)."""
    from .. import __version__

    t = TEXT[lang]
    ratio = width_ratio(result)
    if math.isnan(ratio) or ratio <= 1.0:
        ratio_text = t["ratio_same"]
    elif math.isinf(ratio):
        ratio_text = t["ratio_zero"]
    else:
        ratio_text = t["ratio_x"].format(x=ratio)
    out: list[tuple] = [
        ("h1", f"{t['title']}: {question_of(result, lang, question)}"),
        ("h2", t["answer"]),
        ("ul", answer_lines(result, lang)),
        ("h2", t["variants"]),
        (
            "table",
            [t["h_variant"], t["h_role"], t["h_spec"], t["h_what"]],
            [
                [v.label, t["base"] if i == 0 else t["alternative"], v.spec, v.describe(lang)]
                for i, v in enumerate(result.variants)
            ],
            ["<"] * 4,
        ),
        ("h2", t["interventions"]),
        (
            "table",
            [t["h_variant"], t["h_month"], t["h_intervention"], t["h_settings"], t["h_paper"]],
            intervention_rows(result, lang),
            ["<", ">", "<", "<", "<"],
        ),
        ("h2", t["trajectories"]),
        ("img", figures["trajectories"], t["fig_traj"]),
        ("h2", t["glance"]),
        ("table", glance_headers(lang), glance_rows(result, lang), GLANCE_ALIGN),
        ("note", t["glance_note"]),
        ("h2", t["differences"]),
    ]
    for v in result.variants[1:]:
        out.append(("p", t["vs"].format(alt=v.label, base=result.base.label, n=result.replicates)))
        out.append(("table", difference_headers(lang), difference_rows(result, v.label, lang), DIFF_ALIGN))
    out += [
        ("note", t["better_note"]),
        ("h2", t["forest"]),
        ("img", figures["forest"], t["fig_forest"]),
        ("h2", t["runs"]),
        (
            "p",
            t["runs_text"].format(
                V=len(result.variants),
                R=result.replicates,
                N=len(result.variants) * result.replicates,
                T=result.steps,
                S=result.root_seed,
                B=result.n_boot,
                ratio=ratio_text,
            ),
        ),
        ("h2", t["caveats"]),
        ("ul", list(t["caveat_items"])),
        ("h2", t["reproduce"]),
        ("code", command),
        ("note", t["generated"].format(version=__version__)),
    ]
    return out


def to_markdown(bl: list[tuple]) -> str:
    lines: list[str] = []
    for b in bl:
        kind = b[0]
        if kind == "h1":
            lines += [f"# {b[1]}", ""]
        elif kind == "h2":
            lines += [f"## {b[1]}", ""]
        elif kind == "p":
            lines += [b[1], ""]
        elif kind == "note":
            lines += [f"_{b[1]}_", ""]
        elif kind == "table":
            lines += [markdown_table(b[1], b[2], b[3]), ""]
        elif kind == "img":
            lines += [f"![{b[2]}]({b[1]})", "", f"_{b[2]}_", ""]
        elif kind == "ul":
            lines += [f"- {item}" for item in b[1]] + [""]
        elif kind == "code":
            lines += ["```", b[1], "```", ""]
    return "\n".join(lines).rstrip() + "\n"


CSS = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", system-ui, sans-serif;
       max-width: 62rem; margin: 1.5rem auto; padding: 0 1rem; color: #222; line-height: 1.45; font-size: 14px; }
h1 { font-size: 1.45rem; margin-bottom: .4rem; } h2 { font-size: 1.1rem; margin: 1.2rem 0 .4rem;
     border-bottom: 1px solid #ddd; padding-bottom: .15rem; }
table { border-collapse: collapse; margin: .3rem 0 .6rem; font-size: 12.5px; }
th, td { border: 1px solid #d4d4d4; padding: .2rem .45rem; vertical-align: top; }
th { background: #f3f3f3; text-align: left; } td.r { text-align: right; white-space: nowrap; }
img { max-width: 100%; } .note { color: #555; font-size: 12px; }
pre { background: #f6f6f6; padding: .5rem; overflow-x: auto; font-size: 12px; }
"""


def to_html(bl: list[tuple], folder: Path, lang: str) -> str:
    """Self-contained HTML: figures embedded as data URIs (the PNGs sit beside it too)."""
    e = html.escape
    title = next((b[1] for b in bl if b[0] == "h1"), "")
    body: list[str] = []
    for b in bl:
        kind = b[0]
        if kind == "h1":
            body.append(f"<h1>{e(b[1])}</h1>")
        elif kind == "h2":
            body.append(f"<h2>{e(b[1])}</h2>")
        elif kind == "p":
            body.append(f"<p>{e(b[1])}</p>")
        elif kind == "note":
            body.append(f'<p class="note">{e(b[1])}</p>')
        elif kind == "table":
            head = "".join(f"<th>{e(str(h))}</th>" for h in b[1])
            rows = []
            for row in b[2]:
                cells = "".join(
                    f'<td class="r">{e(str(c))}</td>' if a == ">" else f"<td>{e(str(c))}</td>"
                    for c, a in zip(row, b[3], strict=True)
                )
                rows.append(f"<tr>{cells}</tr>")
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")
        elif kind == "img":
            data = base64.b64encode((folder / b[1]).read_bytes()).decode("ascii")
            body.append(f'<figure><img src="data:image/png;base64,{data}" alt="{e(b[2])}">')
            body.append(f'<figcaption class="note">{e(b[2])}</figcaption></figure>')
        elif kind == "ul":
            body.append("<ul>" + "".join(f"<li>{e(i)}</li>" for i in b[1]) + "</ul>")
        elif kind == "code":
            body.append(f"<pre>{e(b[1])}</pre>")
    doc_lang = "zh-CN" if lang == "zh" else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{doc_lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


__all__ = ["OUTCOMES", "blocks", "print_tables", "to_html", "to_markdown"]
