"""What each report says: the figures of `supervision.figures` (and a few reads of our own) as a document.

Every count, rate and list comes from `supervision.figures` over the month-end snapshots; the only
figures computed here are those that module does not offer (milestones against the value frozen at
the period end, problems and measures from report texts and supervision items, and the indicators
needing a leader's decision). Each sentence quotes the same values its table holds, formatted by
`document.format_cell`, so the text and the tables cannot disagree.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.periods import previous_month_end
from supervision import figures
from targets import rules
from targets.choices import Light

from . import readers
from .document import (
    CHANGE,
    INT,
    PERCENT,
    POINTS,
    QUANTITY,
    Column,
    DocumentBuilder,
    chinese_date,
    chinese_number,
    chinese_span,
    format_cell,
    quoted,
)

LIGHT_ORDER = (Light.DONE, Light.GREEN, Light.AMBER, Light.RED, Light.NOT_STARTED)


def _fraction(percent: Decimal | None) -> Decimal | None:
    """figures gives rates in percent (66.2); the document keeps fractions (0.662) like its PERCENT columns."""
    return None if percent is None else percent / 100


def change_words(label: str, change: int) -> str:
    """An office's phrasing of a change: 红灯增加6个, 黄灯减少2个, 绿灯持平."""
    if change > 0:
        return _("%(light)s up by %(n)s") % {"light": label, "n": format_cell(change, INT)}
    if change < 0:
        return _("%(light)s down by %(n)s") % {"light": label, "n": format_cell(-change, INT)}
    return _("%(light)s unchanged") % {"light": label}


# Red and amber are said even when there are none (无红灯); the other lights only when some stand at them.
ALWAYS_SAID = (Light.AMBER, Light.RED)


def light_counts_words(counts, lights=LIGHT_ORDER) -> str:
    """The `lights` as an office counts them, in that order: 已完成7个，绿灯34个，黄灯11个，无红灯 (an empty 已完成,
    绿灯 or 未开始 left out, never "红灯0个")."""
    parts = []
    for light in lights:
        label = str(Light(light).label)
        if counts[light]:
            parts.append(
                pgettext("light count", "%(n)s %(light)s") % {"n": format_cell(counts[light], INT), "light": label}
            )
        elif light in ALWAYS_SAID:
            parts.append(pgettext("light count", "no %(light)s") % {"light": label})
    if len(parts) == 1:
        return parts[0]
    return pgettext("list", "%(items)s and %(last)s") % {
        "items": pgettext("list", ", ").join(parts[:-1]),
        "last": parts[-1],
    }


def _listed(doc: DocumentBuilder, intro: str, title: str, columns: list[Column], rows: list, *, key: str, empty: str):
    """A sentence with the count, then the table; with no rows one sentence says so (never "0个" and then
    "无……" again)."""
    if rows:
        doc.paragraph(intro)
    doc.table(title, columns, rows, key=key, empty=empty)


def overview(doc: DocumentBuilder, *, region, cover, under_way: bool = False) -> None:
    """The lights now and at the end of the span before. A bulletin of the month under way (`under_way`: made
    before its reports are due) heads its column with its day (截至12月5日), not 本月末."""
    counts = figures.light_counts(region=region, as_of=cover.end).counts
    before = figures.light_counts(region=region, as_of=cover.previous).counts
    total, total_before = sum(counts.values()), sum(before.values())
    rows = [[Light(light).label, counts[light], before[light], counts[light] - before[light]] for light in LIGHT_ORDER]
    rows.append([_("total"), total, total_before, total - total_before])
    this_word, previous_word = cover.words()
    if under_way:
        this_word = _("as of %(day)s") % {"day": f"{cover.as_of.month}月{cover.as_of.day}日"}
    doc.heading(1, _("Overall progress"))
    changes = "，".join(
        change_words(str(Light(light).label), counts[light] - before[light]) for light in (Light.RED, Light.AMBER)
    )
    doc.paragraph(
        _(
            "As of %(date)s, %(total)s indicators are tracked: %(lights)s. Against the %(previous)s "
            "(%(previous_date)s), %(changes)s."
        )
        % {
            "date": chinese_date(cover.as_of),
            "total": format_cell(total, INT),
            "lights": light_counts_words(counts),
            "changes": changes,
            "previous": previous_word,
            "previous_date": chinese_date(cover.previous),
        }
    )
    doc.table(
        _("Indicators by light"),
        [Column(_("light")), Column(this_word, INT), Column(previous_word, INT), Column(_("change"), CHANGE)],
        rows,
        key="lights",
    )


def by_section(doc: DocumentBuilder, *, region, as_of: date) -> None:
    groups = readers.in_plan_order(figures.light_counts_by(dimension="section", region=region, as_of=as_of))
    completion = readers.completion_by_top_section(region=region, as_of=as_of)
    rows = []
    for g in groups:
        on_track = Decimal(g.counts[Light.DONE] + g.counts[Light.GREEN]) / g.total if g.total else None
        rows.append(
            [
                g.label or _("(no section)"),
                g.total,
                g.counts[Light.DONE],
                g.counts[Light.GREEN],
                g.counts[Light.AMBER],
                g.counts[Light.RED],
                on_track,
                completion.get(g.key),
            ]
        )
    doc.heading(1, _("Progress by plan section"))
    worst = max(groups, key=lambda g: (g.counts[Light.RED], g.counts[Light.AMBER]), default=None)
    if worst is not None and worst.counts[Light.RED]:
        doc.paragraph(
            _("The section with the most red lights is %(section)s (%(lights)s).")
            % {
                "section": quoted(worst.label or str(_("(no section)"))),
                "lights": light_counts_words(worst.counts, (Light.RED, Light.AMBER)),
            }
        )
    doc.table(
        _("Lights by plan section"),
        [
            Column(_("section")),
            Column(_("indicators"), INT),
            Column(_("done"), INT),
            Column(_("green"), INT),
            Column(_("amber"), INT),
            Column(_("red"), INT),
            Column(_("done or on pace"), PERCENT),
            Column(_("average completion"), PERCENT),
        ],
        rows,
        key="sections",
    )


def _month_words(month: date) -> str:
    return f"{month.year}年{month.month}月"


def league(doc: DocumentBuilder, *, region, month: date, not_due: date | None = None) -> None:
    """The units ranked for `month`; when that month's reports are not due yet (`not_due`, their due date:
    a bulletin of the month under way), for the month before, whose reports are, and the text says so."""
    ranked_month = previous_month_end(month) if not_due else month
    tables = figures.league_table(region=region, month=ranked_month)
    doc.heading(1, _("League table of units"))
    if not_due:
        doc.paragraph(
            _(
                "Reports for %(month)s are due by %(due)s, so units are ranked on their reports for %(ranked)s: by "
                "on-time reporting, then by average completion, then by fewest red lights."
            )
            % {"month": _month_words(month), "due": chinese_date(not_due), "ranked": _month_words(ranked_month)}
        )
    else:
        doc.paragraph(
            _("Units are ranked by on-time reporting, then by average completion, then by fewest red lights.")
        )
    columns = [
        Column(_("rank"), INT),
        Column(_("unit")),
        Column(_("reports due"), INT),
        Column(_("submitted"), INT),
        Column(_("on time"), INT),
        Column(_("on-time rate"), PERCENT),
        Column(_("average completion"), PERCENT),
        Column(_("red"), INT),
    ]
    titles = {"units": _("Departments"), "townships": _("Townships"), "counties": _("Counties")}
    for key, rows in tables.items():
        doc.heading(2, titles[key])
        if not rows and rows.idle:  # nobody owed a report: one sentence, not "无应报送单位" and then every name
            doc.paragraph(_("No unit here owed a report for %(month)s.") % {"month": _month_words(ranked_month)})
            continue
        doc.table(
            titles[key],
            columns,
            [
                [
                    r.rank,
                    r.label,
                    r.expected,
                    r.submitted,
                    r.on_time,
                    _fraction(r.on_time_rate),
                    _fraction(r.completion),
                    r.red,
                ]
                for r in rows
            ],
            key=f"league_{key}",
            empty=_("No unit owed a report for %(month)s.") % {"month": _month_words(ranked_month)},
        )
        if rows.idle:
            # Ranked last they read as the worst; they owed nothing, so they are named apart.
            doc.paragraph(
                _("Owed no report for %(month)s (not ranked): %(units)s.")
                % {
                    "month": _month_words(ranked_month),
                    "units": pgettext("list separator", ", ").join(r.label for r in rows.idle),
                }
            )


# A bulletin lists at most this many red (or amber) indicators in its body, the worst first; a longer list
# is printed in full, with each light's reasons, as an attachment (附件), so the body stays a few pages.
BODY_ROWS = 10
UNITS_NAMED = 6


def _by_lead_unit(rows) -> str:
    """How a light's indicators fall to their lead units: 区农业农村局15个、区发改局2个等 (each lead counted)."""
    counts: dict[str, int] = {}
    for r in rows:
        for name in [str(_("No responsible unit"))] if r.unowned else r.lead_units:
            counts[name] = counts.get(name, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    named = "、".join(f"{name}{format_cell(n, INT)}个" for name, n in ranked[:UNITS_NAMED])
    return named + ("等" if len(ranked) > UNITS_NAMED else "")


def flagged_lists(doc: DocumentBuilder, *, region, as_of: date) -> None:
    doc.heading(1, _("Red and amber indicators"))
    columns = [
        Column(_("indicator")),
        Column(_("task")),
        Column(_("lead units")),
        Column(_("points behind"), POINTS),
        Column(_("reasons")),
    ]
    for light, title, annex_title in (
        (Light.RED, _("Red indicators"), _("List of red indicators")),
        (Light.AMBER, _("Amber indicators"), _("List of amber indicators")),
    ):
        listed = figures.flagged(region=region, as_of=as_of, lights=(light,))
        rows = [
            [
                r.name,
                r.target,
                _("No responsible unit") if r.unowned else "、".join(r.lead_units),
                r.behind,
                "；".join(r.reasons),
            ]
            for r in listed.rows
        ]
        doc.heading(2, title)
        words = {"count": format_cell(listed.total, INT), "light": Light(light).label}
        if len(rows) <= BODY_ROWS:
            _listed(
                doc,
                _("%(count)s %(light)s indicators.") % words,
                title,
                columns,
                rows,
                key=f"flagged_{light}",
                empty=_("No %(light)s indicator this month.") % words,
            )
            continue
        n = doc.annex(annex_title, columns, rows, key=f"flagged_{light}")
        doc.paragraph(
            _(
                "%(count)s %(light)s indicators, their lead units: %(units)s. The %(shown)s furthest behind are listed "
                "below; all %(count)s with their reasons are in attachment %(n)s."
            )
            % {**words, "units": _by_lead_unit(listed.rows), "shown": format_cell(BODY_ROWS, INT), "n": n}
        )
        doc.table(
            _("%(title)s (the %(shown)s furthest behind)") % {"title": title, "shown": format_cell(BODY_ROWS, INT)},
            columns[:4],
            [row[:4] for row in rows[:BODY_ROWS]],
            key=f"flagged_{light}_top",
        )


def reporting(doc: DocumentBuilder, *, region, month: date, not_due: date | None = None, as_of: date | None = None):
    """Units late or missing with their reports for `month`. Before the month's due date (`not_due`) no unit
    is late yet: the part says when they are due and how many are in so far, and names no unit."""
    all_rates = figures.reporting_rates(region=region, month=month)
    doc.heading(1, _("Units that reported late or not at all"))
    if not_due:
        doc.paragraph(
            _(
                "Reports for %(month)s are due by %(due)s, so no unit is late yet; by %(date)s %(submitted)s of the "
                "%(expected)s reports owed were in."
            )
            % {
                "month": _month_words(month),
                "due": chinese_date(not_due),
                "date": chinese_date(as_of or month),
                "submitted": format_cell(sum(r.submitted for r in all_rates), INT),
                "expected": format_cell(sum(r.expected for r in all_rates), INT),
            }
        )
        return
    if not any(r.expected for r in all_rates):  # not "各单位均按时报送" when nobody owed a report
        doc.paragraph(_("No report was owed for %(month)s.") % {"month": _month_words(month)})
        return
    rates = [r for r in all_rates if r.missing or r.on_time < r.submitted]
    rates.sort(key=lambda r: (-r.missing, r.label))
    _listed(
        doc,
        _("%(count)s units had reports missing or late for %(month)s.")
        % {"count": format_cell(len(rates), INT), "month": _month_words(month)},
        _("Late and missing reports"),
        [
            Column(_("unit")),
            Column(_("reports due"), INT),
            Column(_("submitted"), INT),
            Column(_("missing"), INT),
            Column(_("late"), INT),
        ],
        [[r.label, r.expected, r.submitted, r.missing, r.submitted - r.on_time] for r in rates],
        key="late_units",
        empty=_("Every unit reported on time."),
    )


def done_this_month(doc: DocumentBuilder, *, region, as_of: date) -> None:
    rows = figures.newly_done(region=region, as_of=as_of)
    doc.heading(1, _("Targets newly completed"))
    _listed(
        doc,
        _("%(count)s indicators reached their target this month.") % {"count": format_cell(len(rows), INT)},
        _("Newly completed"),
        [Column(_("task")), Column(_("indicator")), Column(_("value reached"), QUANTITY), Column(_("unit of measure"))],
        [[r.target, r.name, r.actual, r.unit] for r in rows],
        key="newly_done",
        empty=_("No indicator was newly completed this month."),
    )


def supervision_items(doc: DocumentBuilder, *, region, today: date, as_of: date | None = None) -> None:
    """Items not closed out, as the report is made; a report of an earlier month leaves out the items issued
    after its cut-off (`as_of`), which its month never saw."""
    items = figures.open_items(region=region, today=today)
    if as_of is not None:
        items = [i for i in items if timezone.localdate(i.issued_at) <= as_of]
    overdue = sum(1 for i in items if i.overdue)
    doc.heading(1, _("Open supervision items"))
    counts = {"count": format_cell(len(items), INT), "overdue": format_cell(overdue, INT)}
    _listed(
        doc,
        (
            _("%(count)s supervision items are open, %(overdue)s of them past their reply date.")
            if overdue
            else _("%(count)s supervision items are open, none past its reply date.")
        )
        % counts,
        _("Open supervision items"),
        [Column(_("indicator")), Column(_("unit")), Column(_("status")), Column(_("reply due")), Column(_("overdue"))],
        [
            [
                i.indicator,
                i.unit,
                str(readers.supervision_status_label(i.status)),
                chinese_date(i.reply_due),
                _("yes") if i.overdue else _("no"),
            ]
            for i in items
        ],
        key="open_items",
        empty=_("No supervision item is open."),
    )


def milestones(doc: DocumentBuilder, *, region, cover) -> None:
    """The milestones of the span, judged on their own dates, then those due in the next span. A report made
    before its span ends (a year-end summary of 2 December) counts its later milestones (31 December) in the span,
    not yet due, as a bulletin of the month under way does its month: never missed early, never "下期"."""
    rows = readers.milestone_progress(
        region=region, period_start=cover.start, as_of=cover.as_of, period_end=cover.end, next_until=cover.next_until
    )
    judged = [r for r in rows if r.state in (rules.MILESTONE_MET, rules.MILESTONE_MISSED)]
    missed = [r for r in judged if r.state == rules.MILESTONE_MISSED]
    in_span = [r for r in rows if r.state != readers.NEXT]
    open_in_span = [r for r in in_span if r.state not in (rules.MILESTONE_MET, rules.MILESTONE_MISSED)]
    upcoming = [r for r in rows if r.state == readers.NEXT]
    doc.heading(1, _("Progress against staged milestones"))
    words = {
        "span": chinese_span(cover.start, cover.as_of),
        "count": format_cell(len(judged), INT),
        "met": format_cell(len(judged) - len(missed), INT),
        "missed": format_cell(len(missed), INT),
        "open": format_cell(len(open_in_span), INT),
        "end": chinese_date(cover.end),
        "next": format_cell(len(upcoming), INT),
        "next_date": chinese_date(cover.next_until),
        "next_span": chinese_span(cover.end + timedelta(days=1), cover.next_until),
    }
    # One sentence says what fell due, what is still to fall due in the span, and what falls due next; a table
    # follows only where there are rows.
    clauses = [
        (
            _("no staged milestone fell due %(span)s")
            if not judged
            else _("%(count)s staged milestones fell due %(span)s, all met")
            if not missed
            else _("%(count)s staged milestones fell due %(span)s, none met")
            if len(missed) == len(judged)
            else _("%(count)s staged milestones fell due %(span)s: %(met)s met, %(missed)s missed")
        )
        % words
    ]
    if open_in_span:
        clauses.append(
            _("%(open)s more fall due within the period, by %(end)s, and are judged once their period's report is due")
            % words
        )
        clauses.append(
            (_("%(next)s fall due %(next_span)s") if upcoming else _("none falls due %(next_span)s")) % words
        )
    else:
        clauses.append(
            (_("%(next)s more fall due by %(next_date)s") if upcoming else _("none falls due by %(next_date)s")) % words
        )
    doc.paragraph("；".join(str(c) for c in clauses) + "。")
    columns = [
        Column(_("section")),
        Column(_("indicator")),
        Column(_("milestone date")),
        Column(_("required"), QUANTITY),
        Column(_("value reported for that period"), QUANTITY),
        Column(_("unit of measure")),
        Column(_("met")),
    ]
    states = {
        rules.MILESTONE_MET: pgettext("milestone", "met"),
        rules.MILESTONE_MISSED: pgettext("milestone", "missed"),
        rules.MILESTONE_PENDING: _("awaiting the period's report"),
        readers.LATER: _("not yet due"),
        readers.NEXT: _("due next"),
    }
    if in_span:
        doc.table(
            _("Staged milestones due in the period"),
            columns,
            [
                [r.section, r.indicator, chinese_date(r.due), r.required, r.value, r.unit, states[r.state]]
                for r in in_span
            ],
            key="milestones",
        )
    if upcoming:
        doc.table(
            _("Staged milestones due next"),
            columns[:4] + [columns[5], Column(_("state"))],
            [[r.section, r.indicator, chinese_date(r.due), r.required, r.unit, states[r.state]] for r in upcoming],
            key="milestones_next",
        )


def problems(doc: DocumentBuilder, *, region, period_start: date, as_of: date) -> None:
    """Problems grouped by unit: one row per unit with the indicators concerned, each distinct problem and
    measure once, and the latest date promised (a unit writing one problem for forty indicators is one row)."""
    groups = readers.problems_by_unit(
        readers.problems_and_measures(region=region, period_start=period_start, period_end=as_of)
    )
    doc.heading(1, _("Problems reported and measures promised"))
    columns = [
        Column(_("unit")),
        Column(pgettext("a count", "number of indicators"), INT),
        Column(_("indicators concerned")),
        Column(_("problem")),
        Column(_("measures")),
        Column(_("promised by")),
    ]
    cells = [
        [
            g.unit,
            g.indicator_count,
            g.indicators,
            g.problems,
            g.measures,
            chinese_date(g.promised) if g.promised else "",
        ]
        for g in groups
    ]
    intro = _(
        "%(units)s units reported problems on %(count)s indicators in the period, or answered "
        "supervision items with measures."
    ) % {"units": format_cell(len(groups), INT), "count": format_cell(sum(g.indicator_count for g in groups), INT)}
    # A problem or a measure every unit wrote alike is said once above the table, not in each row.
    shared = (
        (3, _("Every unit reports the same problem: %(text)s")),
        (4, _("Every unit promises the same measures: %(text)s")),
    )
    dropped = set()
    for index, words in shared:
        texts = {row[index] for row in cells}
        if len(cells) > 1 and len(texts) == 1 and next(iter(texts)):
            intro += " " + words % {"text": next(iter(texts))}
            dropped.add(index)
    if not any(g.promised for g in groups):  # no unit promised a date: no empty column
        dropped.add(5)
    keep = [i for i in range(len(columns)) if i not in dropped]
    columns, cells = [columns[i] for i in keep], [[row[i] for i in keep] for row in cells]
    _listed(
        doc,
        intro,
        _("Problems and measures by unit"),
        columns,
        cells,
        key="problems",
        empty=_("No problem was reported in the period."),
    )


def achievements(doc: DocumentBuilder, *, region, cover) -> None:
    """主要成效 of a half-year review or year-end summary: the figures of what was done in the span."""
    now = figures.light_counts(region=region, as_of=cover.end).counts
    before = figures.light_counts(region=region, as_of=cover.previous).counts
    completion = readers.completion_by_top_section(region=region, as_of=cover.end)
    measured = [v for v in completion.values() if v is not None]
    on_track = now[Light.DONE] + now[Light.GREEN]
    total = sum(now.values())
    doc.heading(1, _("Main results"))
    new = max(now[Light.DONE] - before[Light.DONE], 0)
    sentence = (
        _(
            "By %(date)s, %(done)s of %(total)s indicators had reached their target, %(new)s more than at the "
            "%(previous)s; %(on_track)s (%(share)s) were done or on pace."
        )
        if new
        else _(
            "By %(date)s, none of the %(total)s indicators had reached its target yet; %(on_track)s (%(share)s) "
            "were on pace."
        )
        if not now[Light.DONE]
        else _(
            "By %(date)s, %(done)s of %(total)s indicators had reached their target, as many as at the "
            "%(previous)s; %(on_track)s (%(share)s) were done or on pace."
        )
    ) % {
        "date": chinese_date(cover.as_of),
        "done": format_cell(now[Light.DONE], INT),
        "total": format_cell(total, INT),
        "new": format_cell(new, INT),
        "previous": cover.words()[1],
        "on_track": format_cell(on_track, INT),
        "share": format_cell(Decimal(on_track) / total if total else None, PERCENT),
    }
    if measured:  # a span with no report has no completion to speak of (never "平均完成率—")
        sentence += " " + _("The plan sections stood at %(average)s average completion.") % {
            "average": format_cell(sum(measured) / len(measured), PERCENT)
        }
    doc.paragraph(sentence)


def leader_decisions(doc: DocumentBuilder, *, region, cover, today: date) -> None:
    """Indicators red at the span's last two month ends; the last one, when the span has not ended, is its
    cut-off (截至12月2日), not a month end to come."""
    as_of = cover.end
    rows = readers.needing_decision(region=region, as_of=as_of, today=today)
    doc.heading(1, _("Matters for a leader's decision"))
    before = previous_month_end(as_of)
    words = {
        "count": format_cell(len(rows), INT),
        "month": _month_words(as_of),
        "day": f"{cover.as_of.month}月{cover.as_of.day}日",
        "before": f"{before.month}月" if before.year == as_of.year else _month_words(before),
    }
    intro = (
        _(
            "%(count)s matters need a leader's decision: indicators red at the end of both %(month)s and %(before)s, "
            "and supervision items past their reply date."
        )
        if cover.complete
        else _(
            "%(count)s matters need a leader's decision: indicators red both as of %(day)s and at the end of "
            "%(before)s, and supervision items past their reply date."
        )
    ) % words
    columns = [Column(_("indicator")), Column(_("lead units")), Column(_("why")), Column(_("proposed"))]
    cells = [[r.indicator, r.units, r.why, r.proposal] for r in rows]
    if len({r.proposal for r in rows}) == 1 and len(rows) > 1:
        # One proposal for every row is said once, not printed in each.
        intro += " " + _("For each of them: %(proposal)s") % {"proposal": rows[0].proposal}
        columns, cells = columns[:3], [row[:3] for row in cells]
    _listed(
        doc,
        intro,
        _("Matters for decision"),
        columns,
        cells,
        key="decisions",
        empty=_("No matter needs a leader's decision."),
    )


def trend(doc: DocumentBuilder, *, region, cover) -> None:
    """The lights at each month end of the span; a month not ended when the report is made reads as of its
    cut-off (截至2026年12月2日), as the overview does."""
    period_start, as_of = cover.start, cover.end
    months = (as_of.year - period_start.year) * 12 + as_of.month - period_start.month + 1
    points = figures.trend(region=region, as_of=as_of, months=months)

    def when(day: date) -> str:
        return chinese_date(day) if day <= cover.as_of else _("as of %(day)s") % {"day": chinese_date(cover.as_of)}

    doc.heading(1, _("Lights month by month"))
    doc.table(
        _("Lights month by month"),
        [Column(_("month end"))] + [Column(Light(l).label, INT) for l in LIGHT_ORDER],
        [[when(p.as_of)] + [p.counts[l] for l in LIGHT_ORDER] for p in points],
        key="trend",
    )


def requirements(doc: DocumentBuilder, *, lines: list[str]) -> None:
    """下一步工作要求: the office's standing requirements, one numbered paragraph each."""
    lines = [line.strip() for line in lines if line.strip()]
    if not lines:
        lines = [
            str(
                _(
                    "Every unit answers for its red and amber indicators with measures and a date, and reports "
                    "by the due day."
                )
            )
        ]
    doc.heading(1, _("Requirements for the next step"))
    for n, line in enumerate(lines, start=1):
        doc.paragraph(f"{'（' + chinese_number(n) + '）' if len(lines) > 1 else ''}{line}")
