"""The HTML bulletin: one self-contained page (inline CSS and SVG charts, no script or
font fetched from anywhere) with every section's figures as tables and charts where
people would rather look than read. Needs the ``report`` extra (jinja2, pygal)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..projections.api import Statistics
from .bundle import ReportBundle
from .extras import require
from .registry import FigureRow, figure_rows, label, period_text, section_title, sections
from .sheets import summary_lines

WHAT = "--format html"
FONTS = (
    "'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', "
    "'WenQuanYi Micro Hei', sans-serif"
)

TEXT = {
    "zh": {
        "title": "人民监督工作统计公报",
        "charts": "图表",
        "figure": "指标",
        "value": "数值",
        "numerator": "分子",
        "denominator": "分母",
        "units": "下级院对比",
        "unit": "单位",
        "footer": "以上数据由 supervision-ledger 依据事件日志计算，计算时日志位置 {position}"
        "（{count} 个事件），链哈希 {chain_hash}。可用 supervision-ledger verify-bulletin 核验。",
        "no_months": "统计期间未限定起止日期，不按月列示。",
    },
    "en": {
        "title": "Supervision bulletin",
        "charts": "Charts",
        "figure": "figure",
        "value": "value",
        "numerator": "numerator",
        "denominator": "denominator",
        "units": "Units compared",
        "unit": "unit",
        "footer": "Computed by supervision-ledger from the event log at log position "
        "{position} ({count} events), chain hash {chain_hash}. Check it with "
        "supervision-ledger verify-bulletin.",
        "no_months": "The period has no start or no end: no figures per month.",
    },
}

CHART_TITLES = {
    "activities": ("监督活动（按类型，件次）", "Supervision activities by type"),
    "roles": ("参与人次（按身份）", "Person-times by role"),
    "opinions": ("监督意见办理结果（件）", "Opinion outcomes"),
    "feedback": ("意见反馈及时性（件）", "Feedback timeliness"),
    "months": ("每月举行听证（件次）", "Hearings held per month"),
    "petitions": ("信访答复及时性（件）", "Petitions: reply timeliness"),
    "units": ("下级院对比", "Units compared"),
}

#: Figures compared between the units of a rolled-up report.
UNIT_COMPARISON = (
    "activities.total",
    "participation.peoples_supervisor.person_times",
    "opinions.submitted",
    "hearings.held",
    "petitions.received",
)
OPINION_OUTCOMES = (
    "opinions.adopted",
    "opinions.partly_adopted",
    "opinions.not_adopted",
    "opinions.pending",
)
FEEDBACK = ("feedback.on_time", "feedback.late", "feedback.overdue")
PETITION_REPLIES = (
    ("petitions.procedural_on_time", "petitions.result_on_time"),
    ("petitions.procedural_late", "petitions.result_late"),
    ("petitions.procedural_overdue", "petitions.result_pending_past_3_months"),
)
PETITION_KINDS = (("程序性回复", "procedural reply"), ("办理结果答复", "result"))


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    svg: str


def show(row: FigureRow) -> str:
    """A value as the page prints it (a rate as a percentage, 0/0 as —)."""
    if row.is_rate:
        return "—" if row.value is None else f"{row.value:.2%}"
    return str(row.value)


def _count(stats: Statistics, key: str) -> int:
    value = stats.figures[key]
    return value if isinstance(value, int) else 0


class Charts:
    """The charts of one bulletin, drawn by pygal as inline SVG (no script attached)."""

    def __init__(self, bundle: ReportBundle, lang: str) -> None:
        self.pygal: Any = require("pygal", "report", WHAT)
        style_module = require("pygal.style", "report", WHAT)
        self.style = style_module.Style(
            font_family=FONTS,
            background="white",
            plot_background="white",
            title_font_size=16,
            legend_font_size=12,
            label_font_size=11,
            value_font_size=11,
        )
        self.bundle, self.lang = bundle, lang
        self.stats = bundle.statistics

    def title(self, key: str) -> str:
        zh, en = CHART_TITLES[key]
        return zh if self.lang == "zh" else en

    def new(self, kind: str, key: str, **options: Any) -> Any:
        config = {
            "style": self.style,
            "js": [],  # pygal's default tooltip script lives on the web: none
            "disable_xml_declaration": True,
            "print_values": True,
            "show_y_guides": True,
            "width": 820,
            "height": 420,
            "explicit_size": False,
            "title": self.title(key),
            "legend_at_bottom": True,
            "truncate_legend": -1,
            "truncate_label": -1,
            **options,
        }
        return getattr(self.pygal, kind)(**config)

    def draw(self, key: str, chart: Any) -> Chart:
        chart.uuid = f"sl-{key}"  # not a random id: the same figures give the same file
        return Chart(key, self.title(key), chart.render(is_unicode=True))

    def bars(self, key: str, keys: list[str], horizontal: bool = True) -> Chart:
        # pygal measures labels as Latin text; Chinese labels need about twice the room.
        widest = max((len(label(k, self.lang)) for k in keys), default=0)
        room = {"margin_left": 6 * widest} if self.lang == "zh" and horizontal else {}
        chart = self.new("HorizontalBar" if horizontal else "Bar", key, show_legend=False, **room)
        chart.x_labels = [label(k, self.lang) for k in keys]
        chart.add(self.title(key), [_count(self.stats, k) for k in keys])
        return self.draw(key, chart)

    def pie(self, key: str, keys: tuple[str, ...]) -> Chart:
        chart = self.new("Pie", key, inner_radius=0.4)
        for k in keys:
            chart.add(label(k, self.lang), _count(self.stats, k))
        return self.draw(key, chart)

    def months(self) -> Chart:
        chart = self.new("Bar", "months", show_legend=False)
        chart.x_labels = list(self.bundle.months)
        chart.add(
            label("hearings.held", self.lang),
            [_count(s, "hearings.held") for s in self.bundle.months.values()],
        )
        return self.draw("months", chart)

    def petitions(self) -> Chart:
        chart = self.new("StackedBar", "petitions")
        chart.x_labels = [zh if self.lang == "zh" else en for zh, en in PETITION_KINDS]
        for procedural, result in PETITION_REPLIES:
            name = label(procedural, self.lang)
            chart.add(name, [_count(self.stats, procedural), _count(self.stats, result)])
        return self.draw("petitions", chart)

    def units(self) -> Chart:
        chart = self.new("Bar", "units")
        chart.x_labels = [self.bundle.unit_label(u) for u in self.bundle.units]
        for k in UNIT_COMPARISON:
            chart.add(label(k, self.lang), [_count(s, k) for s in self.bundle.units.values()])
        return self.draw("units", chart)

    def all(self) -> list[Chart]:
        keys = list(self.stats.figures)
        activities = [k for k in keys if k.startswith("activities.") and k != "activities.total"]
        roles = [k for k in keys if k.startswith("participation.") and k.endswith(".person_times")]
        drawn = [
            self.bars("activities", activities),
            self.bars("roles", roles),
            self.pie("opinions", OPINION_OUTCOMES),
            self.pie("feedback", FEEDBACK),
        ]
        if self.bundle.months:
            drawn.append(self.months())
        drawn.append(self.petitions())
        if len(self.bundle.units) > 1:
            drawn.append(self.units())
        return drawn


def render_html(bundle: ReportBundle, lang: str = "zh") -> str:
    """The bulletin as one HTML document (Chinese by default)."""
    jinja2 = require("jinja2", "report", WHAT)
    charts = Charts(bundle, lang).all()  # first: a missing pygal is reported before work
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("supervision_ledger.reporting", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    template = environment.get_template("bulletin.html.j2")
    stats = bundle.statistics
    rows = figure_rows(stats)
    comparison: list[tuple[str, list[tuple[str, str]]]] = [
        (bundle.unit_label(unit), [(k, str(s.figures[k])) for k in UNIT_COMPARISON])
        for unit, s in bundle.units.items()
    ]
    text = TEXT[lang]
    rendered: str = template.render(
        lang=lang,
        html_lang="zh-CN" if lang == "zh" else "en",
        text=text,
        heading=bundle.unit_label(stats.unit) or ("全部单位" if lang == "zh" else "all units"),
        period=period_text(stats.start, stats.end),
        summary=summary_lines(bundle, lang),
        sections=[
            (section, section_title(section, lang), [r for r in rows if r.section == section])
            for section in sections()
        ],
        show=show,
        charts=charts,
        months_missing=not bundle.months,
        comparison=comparison,
        comparison_labels=[label(k, lang) for k in UNIT_COMPARISON],
        footer=text["footer"].format(**bundle.digest.to_json()),
        digest=bundle.digest,
    )
    return rendered
