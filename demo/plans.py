"""The demo's regions, units and plans: each plan read from its source document through the importer.

What a person would do on the import preview is done here from the facts file: the plan's period and
first period, the units of each task where the text names none, the baselines the text does not state.
Xunyi's plan ran from March to December 2024; the demo replays it in the current year (every date moved
by whole years) so that its lights are live. Dongtou's keeps its own dates.
"""

from __future__ import annotations

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from regions.models import Region, RegionLevel, Unit, UnitKind
from reports.plan_import import decide_units, default_missing_baselines, plan_import, plan_import_parse, rematch_units
from targets.models import Indicator, Plan
from targets.services import indicator_create, indicator_fingerprint, indicator_update

from .facts import document, facts


def _region(code, name, level, parent, kind="") -> Region:
    region, _created = Region.objects.update_or_create(
        code=code, defaults={"name": name, "level": level, "parent": parent, "kind": kind}
    )
    return region


def geography(key: str) -> tuple[Region, dict[str, Unit]]:
    """The county of plan `key` with its townships, villages and departments (the facts' names and codes)."""
    spec = facts()[key]
    by_code = {r.code: r for r in Region.objects.filter(code__in=[p[0] for p in facts()["parents"]])}
    for code, name, level, parent in facts()["parents"]:
        if code not in by_code:
            by_code[code] = _region(code, name, level, by_code.get(parent))
    county = by_code[spec["county"]]
    units = {}
    for code, name, kind in spec["townships"]:
        township = _region(code, name, RegionLevel.TOWNSHIP, county, kind)
        for vcode, vname, vkind in spec["villages"].get(code, []):
            _region(vcode, vname, RegionLevel.VILLAGE, township, vkind)
        units[name], _created = Unit.objects.get_or_create(
            county=county, name=name, defaults={"kind": UnitKind.TOWNSHIP, "township": township}
        )
    for name in spec["departments"]:
        units[name], _created = Unit.objects.get_or_create(county=county, name=name)
    return county, units


def replay_years(key: str, today: date) -> int:
    """How many years plan `key` is moved: a plan replayed this year moves from its own year to today's."""
    spec = facts()[key]
    return today.year - int(spec["first_period"][:4]) if spec.get("replay_this_year") else 0


def _shift(value: str | None, years: int) -> str | None:
    if not value or not years:
        return value
    year, rest = int(value[:4]), value[4:]
    if rest == "-02-29":
        rest = "-02-28"  # 29 February into a common year
    return f"{year + years}{rest}"


def _replayed(parsed: dict, years: int) -> dict:
    for field in ("start", "end", "first_period"):
        parsed[field] = _shift(parsed.get(field), years)
    for task in parsed["tasks"]:
        task["deadline"] = _shift(task.get("deadline"), years)
        for proposal in task["indicators"]:
            proposal["deadline"] = _shift(proposal.get("deadline"), years)
            proposal["milestones"] = [[_shift(when, years), value] for when, value in proposal.get("milestones", [])]
    return parsed


def _drop_sections(parsed: dict, titles: list[str]) -> None:
    """Drop the sections named, as on the preview: what they held goes to where they belonged."""
    moved = {s["key"]: s.get("parent") for s in parsed["sections"] if s["title"] in titles}

    def where(section_key):
        while section_key in moved:
            section_key = moved[section_key]
        return section_key

    parsed["sections"] = [dict(s, parent=where(s.get("parent"))) for s in parsed["sections"] if s["key"] not in moved]
    for task in parsed["tasks"]:
        task["section"] = where(task.get("section"))


def _with_facts(parsed: dict, key: str, county: Region) -> dict:
    spec = facts()[key]
    _drop_sections(parsed, spec.get("drop_sections", []))
    tasks = {task["seq"]: task for task in parsed["tasks"]}
    for seq, leads, co_units, every_township in spec.get("tasks", []):
        tasks[seq].update(lead_units=leads, co_units=co_units, all_townships=every_township)
    baselines = {(seq, phrase): value for seq, phrase, value in spec.get("baselines", [])}
    for task in parsed["tasks"]:
        for proposal in task["indicators"]:
            proposal["baseline"] = baselines.get((task["seq"], proposal["source_phrase"]), proposal.get("baseline"))
    default_missing_baselines(parsed)
    # The demo's history starts with the plan: its office owes reports from the first month, as the
    # preview's "以前的月份也需要报送" box confirms.
    parsed["first_period"], parsed["first_period_backdate"] = spec["first_period"], True
    if spec.get("issuer"):
        parsed["issuer"] = spec["issuer"]
    rematch_units(parsed, county)
    decide_units(parsed, accept_suggestions=True, create_units=True)
    return parsed


def plan_parsed(key: str, county: Region, today: date) -> dict:
    """What the import preview shows for plan `key`'s document, with the facts' decisions made."""
    spec, path = facts()[key], document(key)
    start = date.fromisoformat(spec["start"]) if spec.get("start") else None
    parsed = plan_import_parse(
        file=SimpleUploadedFile(path.name, path.read_bytes()), region=county, title=spec.get("title", ""), start=start
    )
    return _replayed(_with_facts(parsed, key, county), replay_years(key, today))


def plan_load(key: str, county: Region, by, today: date) -> Plan:
    """Import plan `key` as the supervision office would: through the importer, audited, all or nothing."""
    spec = facts()[key]
    return plan_import(
        parsed=plan_parsed(key, county, today),
        region=county,
        by=by,
        title=spec.get("title", ""),
        doc_number=spec.get("doc_number", ""),
    )


def yearly_targets(key: str, plan: Plan, by) -> int:
    """ "每年…N个" is a target for each year, not one for the whole plan: as the office would on the indicator
    page, the imported indicator becomes the first year's and one is added for each later year. Returns how
    many were added."""
    added = 0
    for seq, phrase, first_year in facts()[key].get("yearly", []):
        indicator = Indicator.objects.get(target__plan=plan, target__seq=seq, source_phrase=phrase)
        name = indicator.name.replace("每年", "")
        years = range(max(plan.start_date.year, first_year), plan.end_date.year + 1)
        order = indicator.target.indicators.count()
        for n, year in enumerate(years):
            fields = {"name": f"{year}年{name}", "start_date": date(year, 1, 1), "deadline": date(year, 12, 31)}
            if n == 0:
                indicator_update(
                    indicator=indicator, by=by, expected_fingerprint=indicator_fingerprint(indicator), **fields
                )
                continue
            indicator_create(
                target=indicator.target,
                by=by,
                kind=indicator.kind,
                unit=indicator.unit,
                baseline=indicator.baseline,
                target_value=indicator.target_value,
                frequency=indicator.frequency,
                source_phrase=indicator.source_phrase,
                order=order + n - 1,
                **fields,
            )
            added += 1
    return added
