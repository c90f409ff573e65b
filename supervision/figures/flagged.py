"""The red and amber lists: each light's rows worst first, with their milestones, lead units and
reasons, read in a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    IntegerField,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from core import periods
from targets import rules
from targets.models import Allocation, CurrentLight, Indicator, Milestone, Plan, Target
from targets.selectors import unowned_q

from ..rules import behind, days_behind
from .scope import FLAGGED, LIGHTS, converted, converters, materialized, snapshots


@dataclass
class FlaggedRow:
    indicator_id: int
    name: str
    target: str
    plan_id: int
    status: str
    reasons: list
    gap: Decimal | None
    completion: Decimal | None
    lead_units: list[str]
    days_behind: int | None
    # The 落后百分点 a list shows: the gap when behind pace, else why a late light is lit (rules.behind).
    behind: Decimal | str | None = None
    # No township share and no lead unit: nobody owes its report (未明确责任单位).
    unowned: bool = False
    target_id: int | None = None


@dataclass
class FlaggedList:
    total: int
    rows: list[FlaggedRow]


def flagged(
    *,
    region,
    as_of: date,
    lights=FLAGGED,
    plan=None,
    section=None,
    unit=None,
    township=None,
    lead_unit=None,
    limit: int | None = None,
    offset: int = 0,
) -> FlaggedList:
    """The indicators at the given lights (red and amber by default), worst first, with why and who.

    Each row carries the reasons frozen with the light, the lead units, the points behind and the
    days behind (how long ago the expected path stood at the reported value; None for ceilings,
    floors and missing-report lights without a pace, and for an indicator nobody answers for,
    which is flagged `unowned` and comes last within its light). `limit`/`offset` page the list; `total`
    counts them all. With `township`, the rows are the township's own lights.
    """
    qs = snapshots(
        region=region,
        as_of=as_of,
        plan=plan,
        section=section,
        unit=unit,
        township=township,
        light=lights,
        lead_unit=lead_unit,
    )
    page, total = _page(qs, limit=limit, offset=offset)
    if total is None:  # a page past the end counts its rows apart
        total = qs.count() if offset else 0
    return FlaggedList(total=total, rows=_flagged_rows([page])[0])


def _page(rows, *, limit: int | None, offset: int) -> tuple[list[dict], int | None]:
    """One page of `rows` (lights or snapshots under the filters) in `_worst_first`'s order, as the
    plain rows `_flagged_row` reads, and how many `rows` there are (None on an empty page), in one query.

    Written by hand around the filters' compiled ids, as `_first_rows`: Django built and
    compiled the ordered query of the indicators', tasks' and plans' sixteen fields in 4-5 ms of CPU,
    for a query PostgreSQL runs in 2. Each value goes through its field's converters, as the ORM's."""
    chosen, params = materialized("chosen", rows)
    model = rows.model
    light, indicator = model._meta.db_table, Indicator._meta.db_table
    target, plan = Target._meta.db_table, Plan._meta.db_table
    day, day_field = _day(model)
    columns = [
        (name, f"l.{model._meta.get_field(name).column}", model._meta.get_field(name)) for name in _LIGHT_FIELDS[:-1]
    ]
    columns += [(key, f"{alias}.{field.column}", field) for key, (alias, field) in _page_columns().items()]
    severity = " ".join(f"WHEN %s THEN {i}" for i, _light in enumerate(LIGHTS))
    sql = f"""WITH {chosen}
        SELECT {", ".join(sql for _key, sql, _field in columns)},
            {_unowned_case()} AS unowned, {day} AS day, COUNT(*) OVER () AS total
        FROM chosen JOIN {light} l ON l.id = chosen.pk JOIN {indicator} i ON i.id = l.indicator_id
        JOIN {target} t ON t.id = i.target_id JOIN {plan} p ON p.id = t.plan_id
        ORDER BY CASE l.status {severity} END DESC, unowned, COALESCE(l.gap, 0) DESC, l.indicator_id"""
    params = (*params, *LIGHTS)
    if limit is not None:
        sql += " LIMIT %s OFFSET %s"
        params += (limit, offset)
    steps = [(key, converters(field)) for key, _sql, field in columns] + [
        ("unowned", (None, [])),
        ("day", converters(day_field)),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    page = []  # each row's last value is the count of them all
    for values in found if limit is not None else found[offset:]:
        row = {}
        for (key, converter), value in zip(steps, values[:-1], strict=True):
            row[key] = converted(value, converter)
        row["unowned"] = bool(row["unowned"])
        page.append(row)
    return page, (found[0][-1] if found else None)


def flagged_lists(*, region, as_of: date, totals: dict[str, int], limit: int, **scope) -> dict[str, FlaggedList]:
    """The first `limit` rows of each light in `totals` (a light -> how many stand at it, as
    light_counts counted them over the same scope), as `flagged` lists them one light at a time,
    in one query for all lights with their milestones and lead units (`_first_rows`)."""
    if not totals:
        return {}
    first, milestones, leads = _first_rows(
        snapshots(region=region, as_of=as_of, light=tuple(totals), **scope), limit=limit
    )
    # Put in `_worst_first`'s order within each light here, on the few rows read: ordered in the
    # query, its expressions cost more to build and compile than the sort of 40 rows.
    by_light = defaultdict(list)
    for light in sorted(first, key=_within_light_key):
        by_light[light["status"]].append(light)
    return {
        light: FlaggedList(total=total, rows=[_flagged_row(s, milestones, leads) for s in by_light[light]])
        for light, total in totals.items()
    }


def _first_rows(rows, *, limit: int) -> tuple[list[dict], dict, dict]:
    """The first `limit` of `rows` at each light (`_worst_first`'s order within a light, not sorted)
    as the plain rows `_flagged_row` reads, their milestones ({indicator id: [(date, value)]} by date)
    and their tasks' lead units' names ({task id: [name]}), in one query: UNION ALL of the rows,
    the milestones and the lead units, each part's own columns NULL in the others.

    Written by hand around the filters' compiled ids, as `_page`: Django's own window filter (QUALIFY,
    emulated by a subquery of every selected column) took longer to compile than the rest of the
    overview's figures, and the rows, milestones and lead units as three querysets took about 6 ms of
    CPU to build and compile, for queries PostgreSQL runs in 2-3. Each value goes through its field's
    converters, as the ORM's."""
    chosen, params = materialized("chosen", rows)
    model, unit_model = rows.model, Target.lead_units.field.related_model
    light, indicator = model._meta.db_table, Indicator._meta.db_table
    target, plan, milestone = Target._meta.db_table, Plan._meta.db_table, Milestone._meta.db_table
    leads, unit = Target.lead_units.through._meta.db_table, unit_model._meta.db_table
    fields = {name: model._meta.get_field(name) for name in _LIGHT_FIELDS[:-1]}
    own = {name: f"l.{field.column}" for name, field in fields.items()}
    for key, (alias, field) in _page_columns().items():
        fields[key], own[key] = field, f"{alias}.{field.column}"
    own["unowned"], fields["unowned"] = "picked.unowned", None
    own["day"], fields["day"] = _day(model)
    parts = {
        "m_date": Milestone._meta.get_field("date"),
        "m_value": Milestone._meta.get_field("value"),
        "lead": unit_model._meta.get_field("name"),
        "lead_order": Target.lead_units.through._meta.pk,
    }
    # The first part types its NULLs: PostgreSQL gives a UNION's columns the first part's types.
    own |= {key: f"CAST(NULL AS {field.db_type(connection)})" for key, field in parts.items()}
    keys = list(own)

    def select(part: int, values: dict) -> str:
        return ", ".join([str(part), *(f"{values.get(key, 'NULL')} AS {key}" for key in keys)])

    unowned = _unowned_case()
    # The chosen lights once for all parts.
    sql = f"""WITH {chosen},
        picked AS MATERIALIZED (SELECT id, indicator_id, target_id, unowned FROM (
            SELECT l.id, l.indicator_id, i.target_id, {unowned} AS unowned, ROW_NUMBER() OVER (
                PARTITION BY l.status ORDER BY {unowned}, COALESCE(l.gap, 0) DESC, l.indicator_id) AS place
            FROM chosen JOIN {light} l ON l.id = chosen.pk JOIN {indicator} i ON i.id = l.indicator_id
        ) ranked WHERE place <= %s)
        SELECT {select(0, own)}
        FROM picked JOIN {light} l ON l.id = picked.id JOIN {indicator} i ON i.id = l.indicator_id
        JOIN {target} t ON t.id = i.target_id JOIN {plan} p ON p.id = t.plan_id
        UNION ALL
        SELECT {select(1, {"indicator_id": "m.indicator_id", "m_date": "m.date", "m_value": "m.value"})}
        FROM {milestone} m WHERE m.indicator_id IN (SELECT indicator_id FROM picked)
        UNION ALL
        SELECT {select(2, {"target_id": "lu.target_id", "lead": "u.name", "lead_order": "lu.id"})}
        FROM {leads} lu JOIN {unit} u ON u.id = lu.unit_id WHERE lu.target_id IN (SELECT target_id FROM picked)
        ORDER BY 1, m_date, lead_order"""
    steps = [(key, converters(field) if field is not None else (None, [])) for key, field in fields.items()]
    on_date, on_value = converters(parts["m_date"]), converters(parts["m_value"])
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, limit))
        found = cursor.fetchall()
    at = {key: 1 + place for place, key in enumerate(keys)}  # each key's column (the part is the first)
    first, milestones, names = [], defaultdict(list), defaultdict(list)
    for values in found:
        if values[0] == 0:
            row = {
                key: converted(value, step)
                for (key, step), value in zip(steps, values[1 : 1 + len(steps)], strict=True)
            }
            row["unowned"] = bool(row["unowned"])
            first.append(row)
        elif values[0] == 1:
            day, value = converted(values[at["m_date"]], on_date), converted(values[at["m_value"]], on_value)
            milestones[values[at["indicator_id"]]].append((day, value))
        else:
            names[values[at["target_id"]]].append(values[at["lead"]])
    return first, milestones, names


def _worst_first(qs):
    severity = Case(*[When(status=light, then=Value(i)) for i, light in enumerate(LIGHTS)], output_field=IntegerField())
    # Within a light, the indicators nobody answers for come last: their light is no unit's lag.
    qs = qs if "unowned" in qs.query.annotations else qs.annotate(unowned=_unowned())
    return qs.select_related("indicator__target__plan").order_by(-severity, "unowned", *_within_light())


# What a list's row reads of a light, its indicator, task and plan (`_flagged_row`): plain rows, not
# four model instances per row. The light's own fields by their names, the others by these.
_LIGHT_FIELDS = ("indicator_id", "unit_id", "status", "reasons", "gap", "completion", "expected", "actual", "unowned")


_PAGE_FIELDS = {
    "i_name": F("indicator__name"),
    "i_kind": F("indicator__kind"),
    "i_baseline": F("indicator__baseline"),
    "i_target_value": F("indicator__target_value"),
    "i_start": F("indicator__start_date"),
    "i_deadline": F("indicator__deadline"),
    "i_frequency": F("indicator__frequency"),
    "i_unit": F("indicator__unit"),
    "target_id": F("indicator__target_id"),
    "t_seq": F("indicator__target__seq"),
    "t_name": F("indicator__target__name"),
    "plan_id": F("indicator__target__plan_id"),
    "p_amber_gap": F("indicator__target__plan__amber_gap"),
    "p_red_gap": F("indicator__target__plan__red_gap"),
    "p_due_day": F("indicator__target__plan__due_day"),
    "p_first_period": F("indicator__target__plan__first_period"),
}


def _unowned_case() -> str:
    """1 for a light `l` of an indicator `i` nobody answers for (no township share, no lead unit:
    `targets.selectors.unowned_q`), else 0, as the hand-written queries order by it."""
    allocation, leads = Allocation._meta.db_table, Target.lead_units.through._meta.db_table
    return f"""CASE WHEN NOT EXISTS (SELECT 1 FROM {allocation} a WHERE a.indicator_id = l.indicator_id)
        AND NOT EXISTS (SELECT 1 FROM {leads} lu WHERE lu.target_id = i.target_id) THEN 1 ELSE 0 END"""


def _day(model) -> tuple[str, object]:
    """The day a light `l` of `model` was judged, as SQL, and the field whose converters it takes:
    a current light's judged_on, a snapshot's evaluated_on or else its month end."""
    if model is CurrentLight:
        return "l.judged_on", model._meta.get_field("judged_on")
    return "COALESCE(l.evaluated_on, l.as_of)", model._meta.get_field("as_of")


@cache
def _page_columns() -> dict:
    """_PAGE_FIELDS as `_page`'s query reads them: {key: (table alias, field)} of the indicator i, task t, plan p."""
    aliases = {Indicator: "i", Target: "t", Plan: "p"}
    columns = {}
    for key, path in _PAGE_FIELDS.items():
        model, *names = [Indicator, *path.name.split("__")[1:]]
        for name in names[:-1]:
            model = model._meta.get_field(name).related_model
        columns[key] = (aliases[model], model._meta.get_field(names[-1]))
    return columns


def _unowned():
    return ExpressionWrapper(unowned_q("indicator__"), output_field=BooleanField())


def _within_light():
    """The order within a light after the unowned: the most points behind first."""
    return [Coalesce("gap", Value(Decimal(0))).desc(), F("indicator_id").asc()]


def _within_light_key(light: dict):
    """`_within_light` (after the unowned, which come last) on a plain row of `_page` or `_first_rows`."""
    return (light["unowned"], -(light["gap"] or 0), light["indicator_id"])


def _flagged_rows(pages) -> list[list[FlaggedRow]]:
    """The rows of each page of lights (`_page`), their milestones and lead units read once for all pages."""
    every = [s for page in pages for s in page]
    milestones = defaultdict(list)
    for indicator_id, day, value in _milestones_of([s["indicator_id"] for s in every]):
        milestones[indicator_id].append((day, value))
    leads = _lead_names({s["target_id"] for s in every})
    return [[_flagged_row(s, milestones, leads) for s in page] for page in pages]


def _flagged_row(s: dict, milestones, leads) -> FlaggedRow:
    # As targets.selectors.indicator_spec makes it from the indicator, its milestones and its plan.
    spec = rules.IndicatorSpec(
        kind=s["i_kind"],
        baseline=s["i_baseline"],
        target=s["i_target_value"],
        start=s["i_start"],
        deadline=s["i_deadline"],
        frequency=s["i_frequency"],
        milestones=tuple(milestones[s["indicator_id"]]),
        amber_gap=s["p_amber_gap"],
        red_gap=s["p_red_gap"],
        due_day=s["p_due_day"],
        unit=s["i_unit"],
        reporting_from=s["p_first_period"],
    )
    checkpoint = _checkpoint(spec, s["day"])
    reasons = [rules.reason_text(r) for r in s["reasons"]]
    unowned = s["unowned"]
    return FlaggedRow(
        indicator_id=s["indicator_id"],
        name=s["i_name"],
        target=f"{s['t_seq']}. {s['t_name']}",  # str(Target)
        plan_id=s["plan_id"],
        status=s["status"],
        reasons=reasons,
        gap=s["gap"],
        behind=behind(s["expected"], s["completion"], s["reasons"]),
        completion=s["completion"],
        lead_units=leads.get(s["target_id"], []),
        days_behind=days_behind(spec, s["actual"], checkpoint) if s["unit_id"] is None and not unowned else None,
        unowned=unowned,
        target_id=s["target_id"],
    )


def _checkpoint(spec: rules.IndicatorSpec, on: date) -> date | None:
    past = rules.periods_past_due(spec, on)
    return periods.due_date(past[-1], spec.frequency, spec.due_day) if past else None


def _milestones_of(indicator_ids):
    """(indicator id, date, value) of these indicators' milestones, by date."""
    if not indicator_ids:
        return []
    return (
        Milestone.objects.filter(indicator_id__in=indicator_ids)
        .order_by("date")
        .values_list("indicator_id", "date", "value")
    )


def _lead_names(target_ids) -> dict[int, list[str]]:
    names = defaultdict(list)
    if target_ids:
        through = Target.lead_units.through.objects.filter(target_id__in=target_ids).order_by("id")
        for target_id, name in through.values_list("target_id", "unit__name"):
            names[target_id].append(name)
    return names
