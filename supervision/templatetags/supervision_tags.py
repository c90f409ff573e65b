"""Supervision items drawn on pages of apps above this one (My work lives in targets, which may not import
supervision): the template asks, the view does not need to know."""

from decimal import ROUND_HALF_UP, Decimal

from django import forms, template
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext

from core.escaping import escape, id_url
from core.forms import MonthSelect
from core.templatetags.core_dates import day_words
from supervision.selectors import unit_open_item_count, unit_open_items
from targets import numbers, rules
from targets.choices import Light, ReportStatus
from targets.templatetags.platform_tags import light_badge, percent

register = template.Library()


@register.simple_tag
def unit_awaiting_reply(user):
    """The user's unit's supervision items still waiting for its reply, the one due first on top."""
    if not user.is_authenticated or not user.is_reporter:
        return []
    return unit_open_items(unit=user.unit, today=timezone.localdate())


@register.simple_tag
def unit_awaiting_reply_count(user):
    """How many supervision items wait for the user's unit's reply (unit_awaiting_reply's length, in a COUNT)."""
    if not user.is_authenticated or not user.is_reporter:
        return 0
    return unit_open_item_count(unit=user.unit)


@register.simple_tag
def filter_field(bound):
    """A filter of the dashboards: a select (the month select too) written directly (Django renders
    each option through a template, most of the time of a county dashboard), anything else as the
    form renders it."""
    widget = bound.field.widget
    if isinstance(widget, MonthSelect):
        # With the attributes Django gives it (its help text's aria-describedby).
        value = bound.value()
        choices = widget.month_choices(value)
        chosen = widget.format_value(value)[0]
        attrs = {**widget.attrs, **bound.build_widget_attrs({}, widget)}
    elif type(widget) is forms.Select:
        choices = widget.choices
        chosen = "" if bound.value() is None else str(bound.value())
        attrs = {}
    else:
        return str(bound)
    attrs["id"] = widget.attrs.get("id", bound.auto_id)
    options = []
    for value, label in choices:
        value = str(value)
        selected = " selected" if value == chosen else ""
        options.append(f'<option value="{escape(value)}"{selected}>{escape(label)}</option>')
    # Safe: the name, the attributes (flatatt), every value and label are escaped.
    return mark_safe(
        f'<select name="{escape(bound.html_name)}"{flatatt({k: v for k, v in attrs.items() if v})}>'
        f"{''.join(options)}</select>"
    )


@register.filter
def behind_cell(behind):
    """A 落后百分点 cell (supervision.rules.behind): the figure, the words why a late light is lit, or —."""
    if behind is None:
        return "—"
    if isinstance(behind, str):
        return behind
    # One decimal, as the reasons beside it (落后75.6个百分点) and the Excel column write it; rules.behind
    # gives it shown already (targets.rules.shown_gap), so this only writes it.
    return f"{Decimal(behind).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):,.1f}"


# The dashboards' long tables (the splits' rows, the red and amber lists) are written here, every
# value escaped once and every label, link and badge made once per table: through the template
# engine, with a url tag and a translated label in each cell, they took most of a county
# overview's drawing time.


_SPLIT_FILTER = {"section": "section", "lead_unit": "lead_unit", "township": "township"}


@register.simple_tag(takes_context=True)
def split_rows(context, dimension, groups):
    """The rows of one split of the overview (by section, lead unit, township or county): each
    group's name and its count at each light, linked to the list behind it."""
    query = escape(context.get("base_query", ""))
    overview, listing = reverse("supervision:overview"), reverse("supervision:list")
    month = context["as_of"].strftime("%Y-%m")
    cells = [(light, f'<td class="num" data-label="{escape(label)}">') for light, label in Light.choices]
    rows = []
    for g in groups:
        if dimension == "county":
            name = f'<a href="{overview}?region={escape(g.code)}&amp;as_of={month}">{escape(g.label)}</a>'
            extra = f"&amp;region={escape(g.code)}"
        elif dimension == "township":
            name = f'<a href="{overview}?{query}&amp;township={g.key}">{escape(g.label)}</a>'
            extra = f"&amp;township={g.key}"
        else:
            name = escape(g.label or "—")
            extra = f"&amp;{_SPLIT_FILTER[dimension]}={g.key}" if g.key is not None else ""
        counts = "".join(
            f'{cell}<a href="{listing}?{query}&amp;light={light}{extra}">{g.counts[light]}</a></td>'
            if g.counts.get(light)
            else f"{cell}0</td>"
            for light, cell in cells
        )
        rows.append(f'<tr data-key="{g.key}"><td>{name}</td>{counts}</tr>')
    if not rows:
        rows.append(f'<tr><td colspan="6" class="muted">{escape(gettext("None."))}</td></tr>')
    # Safe: every value above is escaped.
    return mark_safe("\n".join(rows))


@register.simple_tag(takes_context=True)
def flagged_rows(context, rows):
    """The rows of a red and amber list (figures.FlaggedRow): the indicator and its task, its light,
    lead units, points and days behind, and why."""
    labels = {
        key: escape(gettext(text))
        for key, text in (
            ("indicator", "Indicator"),
            ("light", "Light"),
            ("leads", "Lead units"),
            ("behind", "Points behind"),
            ("days", "Days behind"),
            ("why", "Why"),
        )
    }
    indicator_page = id_url("supervision:indicator")
    user = context.get("user")
    assign = id_url("admin:targets_target_change") if user is not None and user.is_staff else None
    unowned = f'<strong class="unowned" data-unowned>{escape(gettext("No responsible unit"))}</strong>'
    assign_label = escape(gettext("Assign a unit"))
    badges = {light: light_badge(light) for light in Light.values}
    out = []
    for row in rows:
        if row.unowned:
            leads = unowned + (f' <a href="{assign(row.target_id)}">{assign_label}</a>' if assign else "")
        else:
            leads = "、".join(escape(name) for name in row.lead_units) or "—"
        badge = badges.get(row.status) or light_badge(row.status)
        out.append(
            f'<tr data-indicator="{row.indicator_id}" data-status="{escape(row.status)}">'
            f'<td data-label="{labels["indicator"]}"><a href="{indicator_page(row.indicator_id)}">'
            f'{escape(row.name)}</a><div class="muted">{escape(row.target)}</div></td>'
            f'<td data-label="{labels["light"]}">{badge}</td>'
            f'<td data-label="{labels["leads"]}">{leads}</td>'
            f'<td class="num" data-label="{labels["behind"]}">{escape(behind_cell(row.behind))}</td>'
            f'<td class="num" data-label="{labels["days"]}">'
            f"{row.days_behind if row.days_behind is not None else '—'}</td>"
            f'<td class="reasons" data-label="{labels["why"]}">'
            f"{''.join(f'<div>{escape(reason)}</div>' for reason in row.reasons)}</td></tr>"
        )
    if not out:
        out.append(f'<tr><td colspan="6" class="muted">{escape(gettext("None."))}</td></tr>')
    # Safe: every value above is escaped.
    return mark_safe("\n".join(out))


@register.simple_tag
def reporting_rows(rates):
    """The rows of the overview's reporting table (figures.ReportingRate): each unit's reports owed,
    submitted and on time, and its on-time rate."""
    labels = [escape(gettext(text)) for text in ("Expected", "Submitted", "On time", "On-time rate")]
    out = []
    for r in rates:
        rate = escape(percent(r.on_time_rate)) if r.on_time_rate is not None else "—"
        cells = zip(labels, (r.expected, r.submitted, r.on_time, rate), strict=True)
        out.append(
            f'<tr data-unit="{r.key}"><td>{escape(r.label)}</td>'
            + "".join(f'<td class="num" data-label="{label}">{value}</td>' for label, value in cells)
            + "</tr>"
        )
    if not out:
        # Outside the f-string, where makemessages (xgettext) finds it: inside one the entry was dropped from the .po.
        none_owed = gettext("No report is owed for this month.")
        out.append(f'<tr><td colspan="5" class="muted">{escape(none_owed)}</td></tr>')
    # Safe: every value above is escaped (the counts are integers).
    return mark_safe("\n".join(out))


@register.simple_tag(takes_context=True)
def league_rows(context, name, rows):
    """The rows of one league table (figures.LeagueRow): rank, name, reports due and on time, on-time
    rate, completion and red lights, linked to the red list of the unit, township or county."""
    labels = {
        key: escape(gettext(text))
        for key, text in (
            ("rank", "Rank"),
            ("name", "Name"),
            ("due", "Reports due"),
            ("on_time", "On time"),
            ("rate", "On-time rate"),
            ("completion", "Completion"),
            ("red", "Red"),
        )
    }
    red_list = f"{reverse('supervision:list')}?{escape(context.get('base_query', ''))}&amp;light=red"
    out = []
    for r in rows:
        if name == "counties":
            whose = f"&amp;region={escape(r.code)}"
        elif name == "townships":
            whose = f"&amp;township={r.township_id}"
        else:
            whose = f"&amp;lead_unit={r.key}"
        rate = escape(percent(r.on_time_rate)) if r.on_time_rate is not None else "—"
        completion = escape(percent(r.completion)) if r.completion is not None else "—"
        red = f'<a href="{red_list}{whose}">{r.red}</a>' if r.red else "0"
        out.append(
            f'<tr data-key="{r.key}" data-rank="{r.rank}">'
            f'<td class="num" data-label="{labels["rank"]}">{r.rank}</td>'
            f'<td data-label="{labels["name"]}">{escape(r.label)}</td>'
            f'<td class="num" data-label="{labels["due"]}">{r.expected}</td>'
            f'<td class="num" data-label="{labels["on_time"]}">{r.on_time}</td>'
            f'<td class="num" data-label="{labels["rate"]}">{rate}</td>'
            f'<td class="num" data-label="{labels["completion"]}">{completion}</td>'
            f'<td class="num" data-label="{labels["red"]}">{red}</td></tr>'
        )
    if not out:
        out.append(f'<tr><td colspan="7" class="muted">{escape(gettext("None."))}</td></tr>')
    # Safe: every value above is escaped (ranks and counts are integers).
    return mark_safe("\n".join(out))


@register.simple_tag
def report_rows(reports, frequency):
    """The rows of the indicator page's table of reports (supervision.selectors.indicator_page's
    plain rows): the period, the unit, the value, the status (late or not), the day submitted and the
    work done, its first 80 characters. Written here as the other long tables: through the template,
    with a translated label in each cell, the 720 reports of an indicator allocated to 12 townships
    took most of the page's time."""
    if not reports:
        return mark_safe(f'<tr><td colspan="6" class="muted">{escape(gettext("No report yet."))}</td></tr>')
    labels = [escape(gettext(text)) for text in ("Period", "Unit", "Value", "Status", "Submitted", "Work done")]
    statuses = {value: escape(label) for value, label in ReportStatus.choices}
    current = timezone.get_current_timezone()  # as the day_words filter shows a moment: its local day
    # The value's cell (the third) is a number's.
    cell_attrs = [(' class="num"' if i == 2 else "") + f' data-label="{label}"' for i, label in enumerate(labels)]
    late = f" · {escape(gettext('late'))}"
    # Periods and days recur down the table (one period per township): each written once.
    period_words, days = {}, {}
    out = []
    for r in reports:
        period, submitted = r["period_start"], r["submitted_at"]
        if period not in period_words:
            period_words[period] = escape(rules.period_words(period, frequency))
        day = submitted.astimezone(current) if submitted is not None and timezone.is_aware(submitted) else submitted
        day = day.date() if day is not None else None
        if day not in days:
            days[day] = escape(day_words(day))
        cells = (
            period_words[period],
            escape(r["unit_name"]),
            escape(numbers.shown(r["value"])),
            statuses.get(r["status"], escape(r["status"])) + (late if r["is_late"] else ""),
            days[day],
            escape(Truncator(r["narrative"]).chars(80)) if r["narrative"] else "",
        )
        out.append(
            "\n      <tr>"
            + "".join(f"<td{attrs}>{value}</td>" for attrs, value in zip(cell_attrs, cells, strict=True))
            + "</tr>\n    "
        )
    # Safe: every value above is escaped.
    return mark_safe("".join(out))
