"""Every text the classroom app shows, in English and Chinese.

`t(key, lang)` gives a label; `param_label`, `measure_label`, `phase_label` and `subsystem_label`
name model quantities in the paper's terms (the Chinese terms come from the parameter registry and
the paper); `scenario_info` and `SUBSYSTEM_INFO` are the info tab: what the paper says (a brief
quotation with its section of Bao & Liu 2025), what the model does, and questions for students.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..params import COUPLINGS, PARAMS, SUBSYSTEM_NAMES, SUBSYSTEMS
from ..trajectory import PHASES_ZH

LANGS: tuple[str, ...] = ("en", "zh")
LANG_NAMES: dict[str, str] = {"en": "English", "zh": "中文"}
#: The page's tabs, in order (labels: `t("tab_" + key)`); the load test's clients and the browser test use them.
TABS: tuple[str, ...] = (
    "world",
    "performance",
    "subsystems",
    "distributions",
    "experiment",
    "whatif",
    "exercises",
    "info",
)

#: UI labels: key -> (English, Chinese).
UI: dict[str, tuple[str, str]] = {
    "title": ("County performance improvement: a classroom model", "县级政府绩效改进：课堂模型"),
    "subtitle": (
        "After Bao & Liu (2025), the practice of L County",
        "依据包国宪、刘璎（2025）《协同与耦合：欠发达地区县级政府绩效何以改进？——基于L县的实践》",
    ),
    "language": ("Language", "语言"),
    "controls": ("Run controls", "运行控制"),
    "scenario": ("Scenario", "情景"),
    "seed": ("Seed", "随机种子"),
    "seed_error": ("The seed must be a whole number ≥ 0", "随机种子须为不小于0的整数"),
    "step": ("Step", "单步"),
    "play": ("Play", "连续运行"),
    "pause": ("Pause", "暂停"),
    "reset": ("Reset", "重置"),
    "speed": ("Speed (months per second)", "速度（每秒月数）"),
    "levers": ("Levers", "政策杠杆"),
    "couplings": ("Couplings between subsystems", "子系统间的耦合"),
    "pending": (
        "Changed settings apply when you press Reset.",
        "修改的设置在按“重置”后生效。",
    ),
    "month": ("Month", "月份"),
    "month_of": ("Month {month} of {steps}", "第 {month} 个月 / 共 {steps} 个月"),
    "phase_now": ("Phase", "阶段"),
    "reached_in": ("month {month}", "第 {month} 月"),
    "not_reached": ("not yet", "尚未达到"),
    "finished": ("The run has reached its horizon. Press Reset to start again.", "已到模拟期末。按“重置”重新开始。"),
    "tab_performance": ("Performance", "绩效"),
    "tab_subsystems": ("Subsystems", "子系统"),
    "tab_network": ("Departments", "部门网络"),
    "tab_distributions": ("Cadres & citizens", "干部与群众"),
    "tab_whatif": ("What if", "假如……"),
    "tab_info": ("Info", "说明"),
    "monitors": ("Monitors", "监测"),
    "drive_vs_threshold": ("Drive vs inertia threshold", "驱动力与惰性阈值"),
    "engaged_departments": ("Departments engaged in reform", "投身改革的部门"),
    "k_of_n": ("{k} of {n}", "{n} 个中的 {k} 个"),
    "plot_performance": ("Real vs assessed performance, satisfaction, trust", "真实与考核绩效、满意度、信任"),
    "plot_subsystems": ("Five subsystem levels and coupling coordination degree D", "五个子系统水平与耦合协调度D"),
    "plot_drive": ("Drive vs inertia threshold", "驱动力与惰性阈值"),
    "output": ("real output", "真实产出"),
    "motivation_hist": ("Cadres: motivation and competence", "干部：积极性与能力"),
    "satisfaction_town": ("Citizens' satisfaction by township", "各乡镇群众满意度"),
    "township": ("township", "乡镇"),
    "cadres": ("cadres", "干部人数"),
    "level": ("level (0–1)", "水平（0–1）"),
    "value": ("value", "取值"),
    "whatif_intro": (
        "Run the same seed twice to the horizon: once with the current settings (baseline) and once "
        "with one lever changed. The seed is the same, so every difference is the lever's, not chance's.",
        "用同一随机种子运行两次直到期末：一次用当前设置（基线），一次只改变一个杠杆。"
        "种子相同，所以两者的差别全部来自这个杠杆，而不是偶然。",
    ),
    "whatif_lever": ("Lever to change", "要改变的杠杆"),
    "whatif_value": ("New value", "新取值"),
    "whatif_run": ("Run both", "运行对比"),
    "baseline": ("baseline", "基线"),
    "variant": ("changed", "改变后"),
    "whatif_table_measure": ("measure", "指标"),
    "whatif_none": ("Press “Run both” to compare.", "按“运行对比”查看比较。"),
    "sustained": ("sustained the trajectory", "持续完成改进轨迹"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    "final": ("final", "期末"),
    "phase_month": ("month {phase} began", "{phase}开始月份"),
    "info_scenario": ("This scenario", "本情景"),
    "info_subsystems": ("The five subsystems", "五个子系统"),
    "info_paper": ("What the paper says", "论文怎么说"),
    "info_model": ("What the model does", "模型怎么做"),
    "info_questions": ("Questions for students", "思考题"),
    "info_file": ("Scenario file", "情景文件"),
    "paper_ref": (
        "Bao Guoxian & Liu Ying (2025), Journal of Lanzhou University (Social Sciences), no. 4. "
        "Quotations are from the Chinese original; § numbers are its sections.",
        "包国宪、刘璎（2025），《兰州大学学报（社会科学版）》第4期。引文出自原文，§为原文章节。",
    ),
    "months": ("months", "月"),
    "back_to_exercises": ("Back to the exercises", "返回课堂练习"),
    "exercise_now": ("Exercise {k}, step {step}", "练习{k}·第{step}步"),
    "deliver_note": (
        "marked once performance has held for the hold period",
        "绩效保持一段时间后才标记",
    ),
    "leaders_note": (
        "Leaders serve a term: at its end a successor team starts uncommitted.",
        "领导有任期：任期结束后，继任班子起初尚未投身改革。",
    ),
    "domain_economy": ("economy", "经济"),
    "domain_public_services": ("public services", "公共服务"),
    "domain_infrastructure": ("infrastructure", "基础设施"),
    "domain_administration": ("administration", "行政服务"),
    "show_couplings": ("Show the ten couplings", "显示十个耦合"),
    "model1_world": (
        "This scenario runs the first version of the model, which has no problem list, engagement or "
        "townships' open problems to show here.",
        "本情景使用模型的第一版，它没有问题清单、部门投身和乡镇未解决问题，这里无法显示。",
    ),
    "experiment_failed": ("The class experiment failed: {error}", "全班实验失败：{error}"),
    "p10": ("10th percentile", "10%分位数"),
    "p90": ("90th percentile", "90%分位数"),
    "hide_couplings": ("Hide the couplings", "隐藏耦合"),
    "tab_world": ("County", "县域全景"),
    "tab_experiment": ("Class experiment", "全班实验"),
    "tab_exercises": ("Exercises", "课堂练习"),
    "settings": ("Settings", "设置"),
    "world_towns": (
        "Townships: one tile each (an arrangement, not a map: townships have no geography in the model)",
        "乡镇：每块代表一个乡镇（仅为排列，不是地图：模型中的乡镇没有地理位置）",
    ),
    "town_n": ("Township {k}", "乡镇{k}"),
    "town_sat": ("satisfaction", "满意度"),
    "town_complaints": ("complaining", "投诉比例"),
    "town_open": ("open problems", "未解决问题"),
    "county_open": ("County-wide open problems (no township): {n}", "全县性未解决问题（不属于某个乡镇）：{n} 个"),
    "world_depts": (
        "Departments by supervising leader (分管). Thick brown ring: engaged in reform (dashed grey: not). "
        "Size: backlog (open problems it leads). Colour: real output this month. Orange lines: task forces "
        "working this month. Squares: leaders (green: committed).",
        "按分管领导分组的部门。粗棕色边框：已投身改革（灰色虚线：未投身）。大小：积压问题（牵头的未解决问题）。"
        "颜色：本月真实产出。橙色连线：本月在运行的工作专班。方块：领导（绿色：已投身）。",
    ),
    "leader_n": ("Leader {k}", "领导{k}"),
    "top_leader": ("Top leader", "一把手"),
    "committed": ("committed", "已投身"),
    "not_committed": ("not committed", "未投身"),
    "resolve": ("resolve", "决心"),
    "dept_n": ("Department {k}", "部门{k}"),
    "backlog": ("backlog", "积压问题"),
    "engaged": ("engaged in reform", "已投身改革"),
    "not_engaged": ("not engaged", "未投身改革"),
    "taskforce_links": ("task forces this month", "本月工作专班"),
    "problems_n": ("{n} problems", "{n} 个问题"),
    "relapse": ("relapse", "回落"),
    "relapsed_in": ("fell back in month {month}", "第 {month} 月回落"),
    "defaults": ("Scenario defaults", "恢复情景默认值"),
    "pending_banner": (
        "The run shown was started with earlier settings. Press Reset to run the new ones.",
        "当前显示的运行使用的是修改前的设置。按“重置”运行新的设置。",
    ),
    "range_error": ("between {lo} and {hi}", "须在 {lo} 到 {hi} 之间"),
    "experiment_intro": (
        "Run the current settings over many seeds at once, as a whole class would, and see the spread: "
        "the median and the band of the middle 80% of runs. The runs' seeds follow from the seed in the "
        "settings, so the same settings and seed always give the same class experiment.",
        "用当前设置一次运行多个随机种子，就像全班每人各运行一次，然后看结果的分布：中位数和中间80%的运行所在的区间。"
        "各次运行的种子由设置中的随机种子推出，所以同样的设置和种子总是得到同样的全班实验结果。",
    ),
    "experiment_seeds": ("Number of runs (seeds)", "运行次数（随机种子数）"),
    "experiment_run": ("Run the class experiment", "运行全班实验"),
    "experiment_cancel": ("Cancel", "取消"),
    "experiment_progress": ("{done} of {n} runs done", "已完成 {done}/{n} 次运行"),
    "experiment_none": ("Press “Run the class experiment”.", "按“运行全班实验”。"),
    "experiment_of": ("{scenario}, seed {seed}, {n} runs", "{scenario}，随机种子 {seed}，共 {n} 次运行"),
    "experiment_stale": (
        "These results are for earlier settings; run the experiment again for the current ones.",
        "这些结果对应修改前的设置；请重新运行实验。",
    ),
    "experiment_share": (
        "Sustained the trajectory in {k} of {n} runs ({pct:.0%})",
        "{n} 次运行中 {k} 次持续完成改进轨迹（{pct:.0%}）",
    ),
    "experiment_band": (
        "{measure}: median and 10–90% band over {n} seeds",
        "{measure}：{n} 个种子的中位数与10%–90%区间",
    ),
    "experiment_measure": ("Measure", "指标"),
    "experiment_reached": ("reached in {k} of {n}", "{n} 次中达到 {k} 次"),
    "median": ("median", "中位数"),
    "band": ("10–90% band", "10%–90%区间"),
    "download_run": ("This run (CSV)", "本次运行（CSV）"),
    "download_experiment": ("Class experiment (CSV)", "全班实验（CSV）"),
    "download_whatif": ("What-if (CSV)", "假如对比（CSV）"),
    "save_png": ("Save as PNG", "保存为PNG图片"),
    "whatif_for": ("Scenario: {scenario}; seed {seed}", "情景：{scenario}；随机种子 {seed}"),
    "exercise_setup": ("Set up", "一键设置"),
    "exercise_steps": ("Steps", "步骤"),
    "exercise_done": ("Set: {what}", "已设置：{what}"),
    "exercise_paper": ("Paper", "原文"),
}

#: Scenario names a person reads: file name -> (English, Chinese).
SCENARIO_NAMES: dict[str, tuple[str, str]] = {
    "l_county": ("L County (baseline)", "L县（基线）"),
    "status_quo": ("The low-performance trap (status quo)", "低绩效陷阱（现状）"),
    "closed_channels": ("L County, citizens' channels closed", "L县：民意渠道关闭"),
    "developed_county": ("A developed county", "发达县"),
    "frozen_pm": ("L County, performance management frozen", "L县：绩效管理停滞"),
    "leadership_turnover": ("L County, weak successor team", "L县：继任班子决心弱"),
    "no_action_base": ("L County without an action base", "L县：没有行动基础"),
    "pressure_only": ("Pressure only (GDP first)", "只有考核压力（GDP至上）"),
    "teach_drive_input": ("Teaching: drive–input alone", "教学：只有驱动—投入"),
    "teach_coordination_linkage": ("Teaching: coordination–linkage alone", "教学：只有协同—联动"),
    "teach_guidance_change": ("Teaching: guidance–change alone", "教学：只有引领—变革"),
    "teach_management_execution": ("Teaching: management–execution alone", "教学：只有管理—执行"),
    "teach_adaptation_interaction": ("Teaching: adaptation–interaction alone", "教学：只有适应—互动"),
}


def scenario_label(name: str, lang: str = "en") -> str:
    """A scenario's name for people; a scenario file the table does not know shows its file name."""
    pair = SCENARIO_NAMES.get(name)
    if pair is None:
        return name
    return pair[1] if lang == "zh" else pair[0]


def colon(label: str, value: object, lang: str = "en") -> str:
    """'label: value' with the language's own colon (full width in Chinese, no space)."""
    return f"{label}：{value}" if lang == "zh" else f"{label}: {value}"


def paren(text: object, lang: str = "en") -> str:
    """'(text)' with the language's own parentheses (full width in Chinese)."""
    return f"（{text}）" if lang == "zh" else f"({text})"


_COUPLING_CODE = re.compile(r"\bk_(?:DI|CL|GC|ME|AI)_(?:DI|CL|GC|ME|AI)\b")


def plain(text: str, lang: str = "en") -> str:
    """Text for students: coupling codes (k_DI_ME) become the slider's name for them, and scenario
    file names (l_county) the scenario's name in the menu, quoted; a file path is left alone."""
    text = _COUPLING_CODE.sub(lambda m: lever_name(m.group(0), lang), text)
    for name in sorted(SCENARIO_NAMES, key=len, reverse=True):
        text = re.sub(rf"(?<![\w/]){name}(?!\w|\.toml)", f"“{scenario_label(name, lang)}”", text)
    if lang == "zh":  # Chinese sets quoted names and terms without spaces around them
        text = re.sub(r" ?(“[^”]*”) ?", r"\1", text)
        text = re.sub(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])", "", text)
    return text


def words(a: str, b: str, lang: str = "en") -> str:
    """Two words as one phrase: joined by a space in English, directly in Chinese."""
    return f"{a}{b}" if lang == "zh" else f"{a} {b}"


def t(key: str, lang: str = "en", **fmt: object) -> str:
    """The label `key` in `lang` ("en" or "zh"), formatted with `fmt`."""
    en, zh = UI[key]
    text = zh if lang == "zh" else en
    return text.format(**fmt) if fmt else text


#: The levers the app has sliders for (docs/MODEL.md §5), then the ten couplings.
LEVERS: tuple[str, ...] = (
    "reform_resolve",
    "assessment_pressure",
    "fault_tolerance",
    "pm_strength",
    "channel_openness",
    "learning_openness",
)
SLIDERS: tuple[str, ...] = LEVERS + COUPLINGS

_LEVER_EN: dict[str, str] = {
    "reform_resolve": "Reform resolve",
    "assessment_pressure": "Assessment pressure",
    "fault_tolerance": "Fault tolerance",
    "pm_strength": "Performance-management strength",
    "channel_openness": "Citizens' channel openness",
    "learning_openness": "Learning openness",
}


#: What each coupling carries, in Chinese (the English comes from the parameter registry).
COUPLING_ZH: dict[str, str] = {
    "k_DI_CL": "行动基础（平台、工作专班）支撑联动",
    "k_DI_ME": "投入到达执行与关键行动",
    "k_CL_ME": "领导与联动推进跨部门执行",
    "k_GC_ME": "公共价值校准考核指标、防止目标偏离",
    "k_GC_CL": "共享价值减少协调阻力",
    "k_ME_DI": "评价反馈给部门负责人施压并发现新问题",
    "k_ME_GC": "成效使做法固化为长效制度",
    "k_AI_DI": "对外比较发现本地问题并带来资源",
    "k_AI_GC": "群众参与充实公共价值",
    "k_CL_AI": "领导使全县向学习和参与开放",
}


def param_label(name: str, lang: str = "en") -> str:
    """A slider's label: the lever's name, or for a coupling 'DI→CL' and its channel."""
    p = PARAMS[name]
    if name in COUPLINGS:
        _, src, dst = name.split("_")
        if lang == "zh":
            return f"{p.zh}：{COUPLING_ZH[name]}"
        return f"{src}→{dst}: {p.meaning.split(' (Model 1')[0]}"  # the app runs Model 2
    if lang == "zh":
        return p.zh
    return _LEVER_EN.get(name, name.replace("_", " ").capitalize())


def lever_name(name: str, lang: str = "en") -> str:
    """A lever's short name (a coupling's is 'DI→CL'), for legends and table headers."""
    if name in COUPLINGS:
        if lang == "zh":
            return PARAMS[name].zh
        _, src, dst = name.split("_")
        return f"{src}→{dst}"
    return param_label(name, lang)


#: Measures shown in the app: name -> (English, Chinese).
MEASURE_LABELS: dict[str, tuple[str, str]] = {
    "real_performance": ("real performance", "真实绩效"),
    "assessed_performance": ("assessed performance", "考核绩效"),
    "benchmark": ("benchmark county", "标杆县"),
    "satisfaction": ("satisfaction", "群众满意度"),
    "trust": ("trust", "政府信任"),
    "drive": ("drive", "驱动力"),
    "inertia_threshold": ("inertia threshold", "惰性阈值"),
    "resources": ("resources", "资源"),
    "pm_maturity": ("PM maturity", "绩效管理成熟度"),
    "gaming_share": ("gaming share", "数据注水比例"),
    "coupling_D": ("coupling coordination degree D", "耦合协调度D"),
    "gap_closure": ("gap to benchmark closed", "与标杆差距的缩小比例"),
    "trajectory_score": ("trajectory score", "轨迹得分"),
    "final_real_performance": ("real performance", "真实绩效"),
    "final_assessed_performance": ("assessed performance", "考核绩效"),
    "final_satisfaction": ("satisfaction", "群众满意度"),
    "final_coupling_degree": ("coupling coordination degree D", "耦合协调度D"),
    "motivation": ("motivation", "干部积极性"),
    "competence": ("competence", "干部能力"),
    **{f"level_{k}": SUBSYSTEM_NAMES[k] for k in SUBSYSTEMS},
}


def measure_label(name: str, lang: str = "en") -> str:
    en, zh = MEASURE_LABELS[name]
    return zh if lang == "zh" else en


def phase_label(phase: str, lang: str = "en") -> str:
    """start–build–activate–deliver (启动—蓄力—激活—发力); 'none' before the start."""
    if lang == "zh":
        return PHASES_ZH[phase]
    return "not started" if phase == "none" else phase


def subsystem_label(key: str, lang: str = "en") -> str:
    en, zh = SUBSYSTEM_NAMES[key]
    return zh if lang == "zh" else en


@dataclass(frozen=True)
class Info:
    """One info card: the paper (section, brief quotation, gloss), the model, questions."""

    section: str
    quote: str  # the paper's words, in Chinese
    paper: tuple[str, str]  # (English, Chinese) what the paper says
    model: tuple[str, str]
    questions: tuple[tuple[str, str], ...]


def pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "zh" else pair[0]


SUBSYSTEM_INFO: dict[str, Info] = {
    "DI": Info(
        "§4（一）；§3（一）–（二）",
        "“问题的识别和诊断”与政府绩效改进“行动基础”的搭建相连接，成为……必要性投入",
        (
            "Competition between counties and a new leadership's change of mind create pressure that "
            "triggers improvement; diagnosing problems and building an action base (talent, funds, land, "
            "policy; an incentive platform; task forces) are the inputs. Together they take the first step.",
            "县域竞争和主政领导观念转变形成的压力触发绩效改进；问题的识别诊断与“行动基础”（人才、资金、"
            "土地、政策，激励平台，工作专班）构成必要投入，二者形成“驱动—投入”子系统，迈出改进的第一步。",
        ),
        (
            "Each leader compares its reform signal (its own resolve, the top leader's if that one has committed, "
            "assessment pressure, the gap to the benchmark county, and pulses such as a higher-level visit) with "
            "the launch threshold (等靠要) and commits or not; the top leader's commitment is the county's start. A "
            "committed leadership diagnoses problems at the front line (hidden problems are listed), builds the "
            "action base and brings in resources. Resources raise departments' work capacity (k_DI_ME), the "
            "action base lets leaders hold more task forces (k_DI_CL), and outside comparison lists problems and "
            "brings resources (k_AI_DI).",
            "每位领导把自己的改革信号（个人决心、一把手已投身时一把手的决心、考核压力、与标杆县的差距，以及上级视"
            "察等冲击）与启动阈值（“等靠要”）比较，决定是否投身改革；一把手投身即全县启动。投身改革的领导班子深"
            "入一线诊断问题（隐藏的问题被列入清单），搭建行动基础并引入资源。资源提高部门的工作能"
            "力（k_DI_ME），行动基础让领导能同时召集更多专班（k_DI_CL），对外比较找出问题并带来资"
            "源（k_AI_DI）。",
        ),
        (
            (
                "Watch drive and the inertia threshold on the monitor. What has to happen for the county to start?",
                "观察监测图中的驱动力和惰性阈值：县要启动改进，需要发生什么？",
            ),
            (
                "Open teach_drive_input: the county starts, but does it deliver? Why is a start not yet improvement?",
                "打开 teach_drive_input 情景：县启动了，但发力了吗？为什么启动还不等于改进？",
            ),
        ),
    ),
    "CL": Info(
        "§3（四）；§4（一）",
        "“遇到难题了，领导就召集相关部门，十几个部门开会解决……一次不行两次、两次不行三次。”",
        (
            "The top leader's vision and convening power (collaborative leadership) and the capacity to link "
            "departments around concrete tasks overcome the 'own plot' (一亩三分地) silo and make scarce "
            "resources go further.",
            "一把手的战略眼光与统筹能力（协同领导）和围绕具体任务的联动能力相辅相成，打破“一亩三分地”，"
            "使有限资源得到最大化利用。",
        ),
        (
            "A problem that needs several departments moves at a slow solo pace unless a task force works it. "
            "Leaders, whose attention is limited, convene task forces on the most pressing cross-department "
            "problems; joint work strengthens the ties between the departments involved, and unused ties fade. "
            "Task forces and strong ties speed cross-department problems up (k_CL_ME); the lead department's silo "
            "slows them, less so where cadres share public values (k_GC_CL). Leaders who convene also open the "
            "county up (k_CL_AI). The County tab draws the task forces working each month.",
            "需要多个部门的问题，若没有专班推进，只能按单个部门的慢节奏前进。领导注意力有限，就最紧迫的跨部门问题"
            "召集专班；共同工作加强相关部门之间的联系，不用的联系会衰减。专班和强联系加快跨部门问题的解"
            "决（k_CL_ME）；牵头部门的本位主义拖慢进度，干部共享公共价值时拖累较小（k_GC_CL）。善于"
            "召集的领导也使全县更开放（k_CL_AI）。“县域全景”页画出每个月在运行的工作专班。",
        ),
        (
            (
                "Step the model and watch the County tab. Which departments form task forces first?",
                "单步运行并观察“县域全景”页：哪些部门先组成工作专班？",
            ),
            (
                "In the What-if tab, set k_CL_ME to 0. What does linkage need from the other subsystems to pay off?",
                "在“假如……”页把 k_CL_ME 设为0。联动要产生效果，还需要其他子系统提供什么？",
            ),
        ),
    ),
    "GC": Info(
        "§3（一）；§4（一）",
        "提炼符合自身需求的公共价值不但能持续纠正并预防绩效偏差，更能从根源上转变其绩效观和改进思路",
        (
            "Public value gathered from citizens (the 12345 hotline, satisfaction visits, deputies' "
            "proposals), role models and party-building guidance point the way; action change (the "
            "front-line work method, practices turned into standing rules) follows.",
            "通过12345热线、满意度大走访、代表委员提案等收集民意，提炼公共价值；树立典型、党建引领为变革"
            "树立标杆；一线工作法、经验做法制度化带来行动变革，形成“引领—变革”子系统。",
        ),
        (
            "Citizens complain about their own township's problems through open channels, and complaints put "
            "those problems on the list; participation (deputies' proposals) lists more and makes public value "
            "clearer (k_AI_GC). Clear public value makes the indicators count citizens: complaint problems get "
            "priority, solved complaints score, and closures on paper that citizens expose cost the department "
            "and deter gaming (k_GC_ME). Cadres internalise public value from role models and leaders. Practices "
            "that keep solving problems become standing rules (k_ME_GC), which outlast the leaders who began "
            "them.",
            "群众通过开放的渠道投诉本乡镇的问题，投诉把这些问题列入清单；有效参与（代表委员提案）列出更多问题，并"
            "使公共价值更清晰（k_AI_GC）。清晰的公共价值让考核指标把群众算进去：投诉问题优先处理，解决投诉"
            "得分，被群众揭穿的纸面销号扣分并抑制数据注水（k_GC_ME）。干部从典型和领导身上内化公共价值。持"
            "续解决问题的做法固化为长效制度（k_ME_GC），比开创它们的领导更长久。",
        ),
        (
            (
                "Compare real and assessed performance in pressure_only and in l_county. Why does the gap differ?",
                "比较 pressure_only 与 l_county 中真实绩效和考核绩效的差距。为什么不同？",
            ),
            (
                "Close citizens' channels (channel openness 0) in the What-if tab. What happens to satisfaction?",
                "在“假如……”页把民意渠道开放度设为0。群众满意度会怎样？",
            ),
        ),
    ),
    "ME": Info(
        "§3（五）–（六）；§5 第三",
        "政府绩效管理是推进欠发达地区县级政府绩效改进的利器",
        (
            "The performance-management system (goals, differentiated indicators, monitoring and 'register "
            "and supervise' 挂号督办, feedback, incentives and accountability) and execution capacity "
            "(training, responsibility lists, the right person for the job) carry the key actions. "
            "Evaluation keeps finding gaps and feeds them back to every stage.",
            "绩效管理体系（目标、差异化指标、监控与“挂号督办”、反馈、激励与问责）与执行力建设（培训、"
            "职责清单、人岗相适）承载关键行动；评价不断发现差距并反馈到各个阶段。",
        ),
        (
            "A department's head engages in reform when its signal passes the head's own threshold: its "
            "supervising leader's attention backed by the top leader's resolve, incentives (pay, promotion by "
            "merit), engaged departments among its ties, assessment pressure (k_ME_DI) and standing rules, less "
            "the blame fear that fault tolerance does not cover. Engagement spreads as a cascade, or stalls. "
            "Cadres split effort between real work, gaming and idleness; departments work the listed problems by "
            "priority, and some closures are on paper only. Performance management ranks departments; the ranking "
            "presses heads (k_ME_DI) and evaluation lists the problems it finds: the improvement loop.",
            "部门负责人的改革信号超过其自身阈值时，部门投身改革。信号包括：分管领导的注意力（以一把手的决心为后"
            "盾）、激励（绩效薪酬、择优提拔）、有联系的部门中已投身的部门、考核压力（k_ME_DI）和长效制"
            "度，减去容错纠错未覆盖的问责顾虑。投身由此像连锁反应一样扩散，或者停滞。干部在实干、数据注水和懈怠之"
            "间分配精力；部门按优先级处理清单上的问题，有些销号只在纸面上。绩效管理对部门排名，排名给负责人施"
            "压（k_ME_DI），评价发现的问题被列入清单：形成改进循环。",
        ),
        (
            (
                "Cut the feedback loop (k_ME_DI = 0) in the What-if tab. When does performance stop rising?",
                "在“假如……”页切断反馈回路（k_ME_DI = 0）。绩效在什么时候停止上升？",
            ),
            (
                "Run frozen_pm. Which phase does the county reach, and which does it miss?",
                "运行 frozen_pm 情景。县达到了哪个阶段，又没能达到哪个阶段？",
            ),
        ),
    ),
    "AI": Info(
        "§3（三）；§4（一）",
        "“带着干部省内学习、市内学习，带他们跑了发达的市，让他们去看”",
        (
            "Learning from developed counties, organisational flexibility, open channels between layers, "
            "and the participation of citizens, deputies and social organisations bring in information, "
            "resources and support from outside.",
            "向发达县区学习、增强组织弹性、打通层级间沟通渠道，以及群众、人大代表、政协委员和社会组织的"
            "有效参与，为绩效改进带来外部的信息、资源和支持，形成“适应—互动”子系统。",
        ),
        (
            "Departments visit developed counties, more often in an open county that values learning: cadres' "
            "competence and departments' capacity move toward the benchmark county's and practices are brought "
            "back, while comparison lists problems at home and brings outside resources (k_AI_DI). Openness rises "
            "with learning, campaigns and leaders who convene (k_CL_AI). Citizens' participation feeds public "
            "value (k_AI_GC). Competent cadres leave an unattractive county; newcomers bring their own "
            "thresholds.",
            "开放且重视学习的县，部门更常赴发达县区学习考察：干部能力和部门能力向标杆县靠拢，带回经验做法；对比找"
            "出的问题被列入清单，并带来外部资源（k_AI_DI）。开放度随学习、专项活动和善于召集的领导提"
            "高（k_CL_AI）。群众的有效参与充实公共价值（k_AI_GC）。缺乏吸引力的县会流失能干的干"
            "部，新来的干部带着各自的阈值。",
        ),
        (
            (
                "Open teach_adaptation_interaction. Can a county learn its way out of the trap "
                "without managing performance?",
                "打开 teach_adaptation_interaction 情景：不搞绩效管理，县能靠学习走出低绩效陷阱吗？",
            ),
            (
                "Which coupling from adaptation–interaction matters most? Test each with the What-if tab.",
                "“适应—互动”发出的哪条耦合最重要？用“假如……”页逐一检验。",
            ),
        ),
    ),
}


SCENARIO_INFO: dict[str, Info] = {
    "l_county": Info(
        "§2（一）；§3（一）–（六）",
        "新书记上任后，“正好发展到了一个低谷……其他兄弟县区都在不断的发展。”",
        (
            "L County, an underdeveloped county in an old revolutionary base area with persistently low "
            "performance, started to improve after a higher-level visit (November 2013) and a new leadership "
            "with strong resolve: campaigns on work style and emancipation of thinking, resources brought in, "
            "an incentive platform, performance management, open citizens' channels and learning visits.",
            "L县地处革命老区、绩效长期低迷。2013年11月上级视察后，新一届领导班子以强烈的改革决心开展"
            "“作风建设年”和“解放思想大讨论”，引入资源、搭建激励平台、建设绩效管理体系、畅通民意渠道、"
            "带干部外出学习，绩效逐步改进。",
        ),
        (
            "The baseline: a trapped county (low performance, inertia 0.6) gets a higher-level visit in month "
            "1 and a team with resolve 0.85; the two campaigns follow once the top leader's diagnosis has "
            "named enough problems; the successor team after 60 months has less personal resolve. In most "
            "seeds the county starts within months, departments engage one after another, and it reaches all "
            "four phases.",
            "基线情景：处于陷阱中的县（低绩效，惰性0.6）在第1个月迎来上级视察，领导班子改革决心0.85；一把手的"
            "诊断找出足够多的问题后开展两项活动；60个月后接任班子的个人决心较弱。大多数随机种子下，县在几个月内"
            "启动，各部门相继投身改革，走完四个阶段。",
        ),
        (
            (
                "Press Play. In which month is each phase reached? Which measure moves first, and which last?",
                "按“连续运行”。每个阶段在第几个月达到？哪个指标最先变化，哪个最后？",
            ),
            (
                "When the first team leaves (month 61), does performance fall? What kept it going?",
                "第一届班子离任（第61个月）后绩效下降了吗？是什么让改进延续下去？",
            ),
        ),
    ),
    "status_quo": Info(
        "§2（一）；§3（一）",
        "早期，L县行政环境低迷守旧、干部作风懒散，其政府绩效一直处于较低水平",
        (
            "Before the new team: a depressed, conservative administrative climate, lax cadres, the "
            "'wait, rely, ask' (等靠要) habit; backward concepts are the first obstacle.",
            "新班子上任前：行政环境低迷守旧、干部作风懒散、“等靠要”；观念与认知落后是绩效改进的首要阻碍。",
        ),
        (
            "No visit, weak resolve (0.2), weak levers. Drive stays below the inertia threshold, so nothing "
            "starts while the benchmark county keeps improving: the gap widens.",
            "没有上级视察，改革决心弱（0.2），各项杠杆都弱。驱动力始终低于惰性阈值，改进无从启动，而标杆县"
            "仍在进步：差距拉大。",
        ),
        (
            (
                "Play to the end. Which phase is reached? What happens to the gap to the benchmark?",
                "运行到期末。达到了哪个阶段？与标杆县的差距怎样变化？",
            ),
            (
                "Raise reform resolve in the What-if tab. Does the county start? Does it deliver? Why not?",
                "在“假如……”页提高改革决心。县启动了吗？发力了吗？为什么没有？",
            ),
        ),
    ),
    "developed_county": Info(
        "§5",
        "发达地区则更需要从政府自身出发，从政府绩效管理体系优化、预算绩效管理、信息化建设……等方面入手",
        (
            "Developed counties improve differently: by refining performance management, budgeting, digital "
            "government and institutional innovation rather than by borrow–accumulate–exert (借力—蓄力—发力).",
            "发达地区县级政府的改进路径不同：从绩效管理体系优化、预算绩效管理、信息化建设、体制机制创新等"
            "方面入手，而不是“借力—蓄力—发力”。",
        ),
        (
            "Starts near the frontier with capacity, resources, mature PM, open channels and little inertia; "
            "the benchmark is higher.",
            "起点接近前沿：能力、资源、成熟的绩效管理、开放的渠道、惰性低；标杆也更高。",
        ),
        (
            (
                "Compare the phase months with l_county. Which phases pass quickly here, and why?",
                "与 l_county 比较各阶段的月份。哪些阶段在这里很快就过去了？为什么？",
            ),
            (
                "Which lever still matters for a developed county? Test two in the What-if tab.",
                "对发达县来说哪个杠杆仍然重要？在“假如……”页检验两个。",
            ),
        ),
    ),
    "pressure_only": Info(
        "引言；§3（四）；§3（六）",
        "忙于完成上级下达的工作任务和接踵而至的经济考核目标",
        (
            "Competitive assessment pressure is one of the six obstacles: a county busy meeting targets from "
            "above, with a 'GDP-first' (唯GDP) orientation, lacks a clear view of its own development.",
            "竞争考核压力是六大阻碍之一：忙于完成上级任务和经济考核目标、“唯GDP”导向的县，对自身发展"
            "缺乏清晰认识和战略规划。",
        ),
        (
            "High assessment pressure and pay on assessed results, but weak resolve, little fault tolerance, "
            "closed channels and GDP-first priorities. Effort moves to what is measured and reports are "
            "inflated (gaming), so assessed performance runs ahead of real performance (Holmström & Milgrom "
            "1991; Bevan & Hood 2006).",
            "考核压力高、薪酬挂钩考核结果，但改革决心弱、容错少、民意渠道关闭、经济优先。努力转向被考核的"
            "事项，上报数据注水，考核绩效跑在真实绩效前面（Holmström & Milgrom 1991；Bevan & Hood 2006）。",
        ),
        (
            (
                "Watch real and assessed performance and the gaming share. When do they part?",
                "观察真实绩效、考核绩效和数据注水比例。两者从何时开始分离？",
            ),
            (
                "Which single lever closes the gap best: channel openness, fault tolerance or less pressure?",
                "哪一个杠杆最能缩小这个差距：民意渠道开放度、容错纠错，还是降低考核压力？",
            ),
        ),
    ),
    "no_action_base": Info(
        "§5 第二；§3（二）",
        "行动基础搭建则是其开展绩效改进行动的基础和保障，在整个绩效改进过程中占据独特地位",
        (
            "The action base (resources brought in, cadre incentives, better management, linkage mechanisms) "
            "is the foundation and guarantee of improvement.",
            "以资源引入整合、干部激励、管理水平提升及协同联动制度建立为主要内容的行动基础，是开展绩效改进"
            "行动的基础和保障。",
        ),
        (
            "The same drive and campaigns as l_county, but no resources brought in, no fault tolerance, no "
            "performance pay and no initial action base. The county starts but rarely delivers.",
            "驱动力和活动与 l_county 相同，但不引入资源、没有容错纠错和绩效奖金、初始行动基础为零。"
            "县能启动，但很少能发力。",
        ),
        (
            (
                "Which phases are reached, and which is missing? Compare with l_county at the same seed.",
                "达到了哪些阶段，缺了哪一个？与同一种子下的 l_county 比较。",
            ),
            (
                "Put fault tolerance back alone in the What-if tab. How much does it recover?",
                "在“假如……”页只恢复容错纠错，能挽回多少？",
            ),
        ),
    ),
    "frozen_pm": Info(
        "§5 第三；§3（六）",
        "L县通过多种方式使政府绩效管理成为其绩效改进的利器",
        (
            "Performance management runs through the whole process as the 'sharp tool': goals, indicators, "
            "monitoring, feedback and incentives.",
            "政府绩效管理作为“利器”贯穿绩效改进全过程：目标、指标、监控、反馈和激励。",
        ),
        (
            "Everything as in l_county, except that performance-management maturity stays at its starting "
            "level: no better indicators, monitoring, incentive linkage or feedback.",
            "其他与 l_county 相同，只是绩效管理成熟度冻结在初始水平：指标、监控、激励挂钩与反馈都不再改进。",
        ),
        (
            (
                "Which phase does the county reach? What happens to the gaming share?",
                "县达到了哪个阶段？数据注水比例怎样变化？",
            ),
            (
                "Is the loss bigger than cutting any single coupling? Try k_ME_DI = 0 on l_county.",
                "这种损失是否比切断任何一条耦合都大？在 l_county 上试试 k_ME_DI = 0。",
            ),
        ),
    ),
    "closed_channels": Info(
        "§3（一）；§5 第五",
        "要充分重视公共价值并将其作为推进绩效改进的底层逻辑",
        (
            "Public value is the 'bottom logic' of improvement: satisfaction as a benchmark, channels that let "
            "citizens supervise, evaluate and take part.",
            "公共价值是推进绩效改进的底层逻辑：以群众满意度为标杆，开拓渠道引导群众监督、评价和参与。",
        ),
        (
            "l_county with citizens' channels closed: no 12345 hotline, no satisfaction visits, no deputies' "
            "proposals. Indicators stay where the leaders' priorities put them.",
            "关闭民意渠道的 l_county：没有12345热线、满意度走访和代表委员提案；考核指标停留在领导自身的优先顺序上。",
        ),
        (
            (
                "Compare with l_county at the same seed: when is delivery reached, and what is final satisfaction?",
                "与同一种子下的 l_county 比较：何时达到发力阶段？期末满意度是多少？",
            ),
            (
                "Why does closing channels slow the county down even though nobody works less?",
                "没有人少干活，为什么关闭民意渠道仍会拖慢改进？",
            ),
        ),
    ),
    "leadership_turnover": Info(
        "§2（一）；§3（五）",
        "上下两届领导班子薪火相传",
        (
            "Two leadership terms passed the torch: practices that were made into standing rules outlived "
            "the leaders who started them.",
            "上下两届领导班子薪火相传：固化为长效制度的经验做法比开创它们的领导更长久。",
        ),
        (
            "l_county whose successor team (month 61) has little resolve, public-value commitment or "
            "collaborative skill. What was institutionalised persists; what only the leaders carried fades.",
            "第61个月接任的领导班子改革决心、公共价值承诺和协同能力都很弱。已制度化的部分得以延续，只靠领导"
            "个人推动的部分逐渐消退。",
        ),
        (
            (
                "Watch the months after 61. Which measures fall, and which hold?",
                "观察第61个月之后：哪些指标下降，哪些保持？",
            ),
            (
                "Lower pm_strength in the What-if tab. Does the handover become more fragile?",
                "在“假如……”页降低绩效管理投入。交接会变得更脆弱吗？",
            ),
        ),
    ),
    "teach_drive_input": Info(
        "§4（一）",
        "“驱动—投入”子系统逐渐形成，促使欠发达地区县级政府破旧立新并迈出政府绩效改进的第一步",
        SUBSYSTEM_INFO["DI"].paper,
        (
            "Teaching scenario: a trapped county gets a visit and a resolute team, but every coupling is cut, "
            "so nothing carries the inputs on to the other subsystems.",
            "教学情景：陷阱中的县迎来上级视察和有决心的班子，但所有耦合都被切断，投入无法传递到其他子系统。",
        ),
        SUBSYSTEM_INFO["DI"].questions,
    ),
    "teach_coordination_linkage": Info(
        "§3（四）；§4（一）",
        "不断打破部门界限和利益边界",
        SUBSYSTEM_INFO["CL"].paper,
        (
            "Teaching scenario: only the couplings that build and use linkage work (k_DI_CL, k_CL_ME); "
            "the rest are cut.",
            "教学情景：只有构建和利用联动的耦合（k_DI_CL、k_CL_ME）起作用，其余切断。",
        ),
        SUBSYSTEM_INFO["CL"].questions,
    ),
    "teach_guidance_change": Info(
        "§3（一）；§4（一）",
        "公共价值是支持政府绩效持续改进的根本依据",
        SUBSYSTEM_INFO["GC"].paper,
        (
            "Teaching scenario: channels wide open; only the couplings that carry public value (k_GC_ME, "
            "k_GC_CL, k_AI_GC) work.",
            "教学情景：民意渠道充分开放；只有传递公共价值的耦合（k_GC_ME、k_GC_CL、k_AI_GC）起作用。",
        ),
        SUBSYSTEM_INFO["GC"].questions,
    ),
    "teach_management_execution": Info(
        "§3（五）–（六）；§4（一）",
        "“只有通过考核才能督促工作，如果不考核，这项工作就无所谓了”",
        SUBSYSTEM_INFO["ME"].paper,
        (
            "Teaching scenario: strong PM investment, pay and fault tolerance; only the couplings into and out "
            "of management–execution (k_DI_ME, k_ME_DI, k_ME_GC) work.",
            "教学情景：绩效管理投入、绩效薪酬和容错纠错都强；只有进出“管理—执行”的耦合"
            "（k_DI_ME、k_ME_DI、k_ME_GC）起作用。",
        ),
        SUBSYSTEM_INFO["ME"].questions,
    ),
    "teach_adaptation_interaction": Info(
        "§3（三）；§4（一）",
        "在系统外部寻求答案以优化内部系统状态",
        SUBSYSTEM_INFO["AI"].paper,
        (
            "Teaching scenario: learning and channels open; only the couplings of adaptation–interaction "
            "(k_CL_AI, k_AI_DI, k_AI_GC) work.",
            "教学情景：学习和民意渠道开放；只有“适应—互动”的耦合（k_CL_AI、k_AI_DI、k_AI_GC）起作用。",
        ),
        SUBSYSTEM_INFO["AI"].questions,
    ),
}


def scenario_info(name: str, description: str = "", paper: str = "") -> Info:
    """The info card of a scenario; a scenario file the app has no card for gets one from its own
    `description` and `paper` fields."""
    if name in SCENARIO_INFO:
        return SCENARIO_INFO[name]
    return Info(
        paper,
        "",
        (description, description),
        (description, description),
        (
            (
                "Which phases does this scenario reach, and in which months?",
                "这个情景达到了哪些阶段？分别在第几个月？",
            ),
        ),
    )


@dataclass(frozen=True)
class ExerciseStep:
    """One step of an in-app exercise: what to do, and what "Set up" sets (a scenario at its
    defaults; optionally the what-if lever and its new value; the tab to open)."""

    text: tuple[str, str]
    scenario: str
    whatif: tuple[str, float] | None = None
    tab: str = "performance"


@dataclass(frozen=True)
class Exercise:
    """One exercise of docs/teaching.md, in the app: title, paper passage, steps, questions."""

    title: tuple[str, str]
    paper: tuple[str, str]
    steps: tuple[ExerciseStep, ...]
    questions: tuple[tuple[str, str], ...]


#: The three exercises of docs/teaching.md (the figures students should find are in that file).
EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        ("1. What starts a county, and what carries it?", "一、什么让县启动，什么让它走下去？"),
        (
            "§3(一): backward concepts (等靠要) are the first obstacle; the new leadership's campaigns start the "
            "process. §5 第二: the action base is the foundation.",
            "§3（一）：观念与认知落后（“等靠要”）是首要阻碍，新班子的专项活动启动了改进；§5第二：行动基础是根基与保障。",
        ),
        (
            ExerciseStep(
                (
                    "The trap: press Play and watch the monitors “drive vs inertia threshold” and “departments "
                    "engaged in reform”, and the County tab.",
                    "低绩效陷阱：按“连续运行”，观察监测栏中的“驱动力与惰性阈值”“投身改革的部门”以及“县域全景”页。",
                ),
                "status_quo",
                tab="world",
            ),
            ExerciseStep(
                (
                    "Same county, more resolve: What if reform resolve is 0.85? Press “Run both”: is any phase "
                    "reached, and how far does real performance move? Then run the class experiment at 0.85: in "
                    "how many runs does the county start?",
                    "同一个县，更强的决心：假如改革决心为0.85？按“运行对比”：有没有达到任何阶段？真实绩效变化多少？"
                    "再把改革决心设为0.85运行全班实验：多少次运行中县启动了？",
                ),
                "status_quo",
                whatif=("reform_resolve", 0.85),
                tab="whatif",
            ),
            ExerciseStep(
                (
                    "L County: press Play; then What if reform resolve is 0.20? Press “Run both”.",
                    "L县：按“连续运行”；然后假如改革决心为0.20？按“运行对比”。",
                ),
                "l_county",
                whatif=("reform_resolve", 0.2),
                tab="world",
            ),
        ),
        (
            (
                "What has to happen for the county to start? Who commits first, and who follows?",
                "县要启动，需要发生什么？谁先投身改革，谁跟上？",
            ),
            (
                "Resolve is necessary in both counties and sufficient in neither. What does a committed "
                "leadership need from the other subsystems?",
                "决心在两个县里都必要，但都不充分。一个投身改革的领导班子还需要其他子系统提供什么？",
            ),
        ),
    ),
    Exercise(
        (
            "2. Performance management as the “sharp tool” and the improvement loop",
            "二、绩效管理这把“利器”与改进循环",
        ),
        (
            "§3(六) and §5 第三: performance management is “推进欠发达地区县级政府绩效改进的利器”; §4(二): "
            "evaluation keeps finding gaps and feeds them back.",
            "§3（六）与§5第三：绩效管理是“推进欠发达地区县级政府绩效改进的利器”；§4（二）：评价不断发现差距并反馈到各个阶段。",
        ),
        (
            ExerciseStep(
                (
                    "L County: press Play and open the Subsystems tab; watch management–execution and D.",
                    "L县：按“连续运行”，打开“子系统”页，观察“管理—执行”和耦合协调度D。",
                ),
                "l_county",
                tab="subsystems",
            ),
            ExerciseStep(
                (
                    "Performance-management maturity frozen (same seed): press Play. Which phases are reached? "
                    "Does performance hold?",
                    "绩效管理成熟度停滞（同一种子）：按“连续运行”。达到了哪些阶段？绩效保持住了吗？",
                ),
                "frozen_pm",
                tab="performance",
            ),
            ExerciseStep(
                (
                    "L County, What if the evaluation-feedback loop is cut (ME→DI = 0)? Then try "
                    "performance-management strength 0.10.",
                    "L县：假如切断评价反馈回路（管理执行→驱动投入的耦合为0）？再试绩效管理投入为0.10。",
                ),
                "l_county",
                whatif=("k_ME_DI", 0.0),
                tab="whatif",
            ),
        ),
        (
            (
                "The paper says PM “runs through” the whole process. Which channels of the model carry that?",
                "论文说绩效管理“贯穿”改进全过程。模型中哪些渠道体现了这一点？",
            ),
            (
                "Run the class experiment for both settings: why read the model over many seeds?",
                "对两种设置分别运行全班实验：为什么要看许多随机种子的结果？",
            ),
        ),
    ),
    Exercise(
        ("3. Looking good on paper: pressure, gaming and public value", "三、纸面上的好看：压力、数据注水与公共价值"),
        (
            "Introduction (唯GDP, the pressure-type system); §3(四); §3(一) and §5 第五: public value as the "
            "底层逻辑; the 12345 hotline.",
            "引言（“唯GDP”与压力型体制）；§3（四）；§3（一）与§5第五：公共价值是“底层逻辑”；12345热线。",
        ),
        (
            ExerciseStep(
                (
                    "Pressure only: press Play; watch real against assessed performance and the gaming share.",
                    "只有考核压力：按“连续运行”，观察真实绩效与考核绩效的差距以及数据注水比例。",
                ),
                "pressure_only",
                tab="performance",
            ),
            ExerciseStep(
                (
                    "Citizens' channels closed, then L County (same seed): compare the delivery month and "
                    "final satisfaction.",
                    "民意渠道关闭，然后L县（同一种子）：比较“发力”的月份和期末群众满意度。",
                ),
                "closed_channels",
                tab="performance",
            ),
            ExerciseStep(
                (
                    "Pressure only, What if citizens' channels open to 0.70? Then try reform resolve 0.85.",
                    "只有考核压力：假如民意渠道开放度为0.70？再试改革决心为0.85。",
                ),
                "pressure_only",
                whatif=("channel_openness", 0.7),
                tab="whatif",
            ),
        ),
        (
            (
                "Why does a county that works hard for its indicators not get better for its citizens?",
                "为什么一个为考核指标拼命工作的县，群众却感受不到改善？",
            ),
        ),
    ),
)
