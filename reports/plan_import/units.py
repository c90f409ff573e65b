"""The units a plan names: matched against the county's units, decided (an existing unit or a new one), created."""

from __future__ import annotations

import difflib

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.services import audit_record
from regions.models import Region, Unit, UnitKind

from ..excel import indicators as extraction
from ..intake import units as unit_lists

CLOSE_MATCH_CUTOFF = 0.6


AUTO_ACCEPT_SCORE = 0.8


def suggest_units(name: str, units: dict[str, Unit]) -> list[dict]:
    """Existing units whose names are close to `name`, best first, with a score 0–1."""
    scored = []
    for candidate, unit in units.items():
        score = difflib.SequenceMatcher(None, name, candidate).ratio()
        if candidate in name or name in candidate:
            score = max(score, 0.85)
        if score >= CLOSE_MATCH_CUTOFF:
            scored.append({"id": unit.pk, "name": candidate, "score": round(score, 2)})
    return sorted(scored, key=lambda s: -s["score"])[:3]


def split_known_names(parsed: dict, known) -> None:
    """A name that is two or more of the county's units run together ("区纪委区监委区委组织部") becomes those units."""
    for task in parsed["tasks"]:
        for field in ("lead_units", "co_units"):
            names = []
            for name in task[field]:
                pieces = None if name in known else unit_lists.split_known(name, known)
                names += [n for n in (pieces or [name]) if n not in names]
            task[field] = names


def match_units(parsed: dict, county: Region) -> list[dict]:
    """Every unit name the table uses, with its exact match or close suggestions (one query)."""
    units = {extraction.normalise(u.name): u for u in Unit.objects.filter(county=county)}
    split_known_names(parsed, set(units))
    names = []
    for task in parsed["tasks"]:
        names += [n for n in task["lead_units"] + task["co_units"] if n not in names]
    rows = []
    for name in names:
        exact = units.get(name)
        rows.append(
            {
                "name": name,
                "unit_id": exact.pk if exact else None,
                "suggestions": [] if exact else suggest_units(name, units),
                "decision": f"use:{exact.pk}" if exact else "",
            }
        )
    return rows


def decide_units(parsed: dict, *, accept_suggestions: bool, create_units: bool) -> None:
    """Fill in the open unit decisions the way the API asks: best close match, or a new unit."""
    for row in parsed["units"]:
        if row["decision"]:
            continue
        best = row["suggestions"][0] if row["suggestions"] else None
        if accept_suggestions and best and best["score"] >= AUTO_ACCEPT_SCORE:
            row["decision"] = f"use:{best['id']}"
        elif create_units:
            row["decision"] = "create"


def resolve_units(parsed: dict, county: Region, by) -> dict[str, Unit]:
    existing = {u.pk: u for u in Unit.objects.filter(county=county)}
    resolved, missing = {}, []
    for row in parsed["units"]:
        decision = row.get("decision") or ""
        if decision.startswith("use:") and decision[4:].isdigit() and int(decision[4:]) in existing:
            resolved[row["name"]] = existing[int(decision[4:])]
        elif decision == "create":
            # get_or_create: "create" on a name that exists after all must not break the unique name.
            unit, created = Unit.objects.get_or_create(
                county=county, name=row["name"][:100], defaults={"kind": _unit_kind(row["name"])}
            )
            if created:
                audit_record(action="unit.create", by=by, obj=unit, new={"name": unit.name, "kind": unit.kind})
            existing[unit.pk] = resolved[row["name"]] = unit
        else:
            missing.append(row["name"])
    if missing:
        raise ValidationError(
            {
                "units": _("Decide for each of these units whether it is an existing unit or a new one: %(names)s.")
                % {"names": "、".join(missing)}
            }
        )
    return resolved


def _unit_kind(name: str) -> str:
    return UnitKind.TOWNSHIP if name.endswith(("镇", "乡", "街道")) else UnitKind.DEPARTMENT


def rematch_units(parsed: dict, region: Region) -> dict:
    """The unit rows for the names the tasks now use (names may have been typed), decisions kept."""
    decisions = {row.get("name"): row.get("decision") or "" for row in parsed.get("units") or []}
    parsed["units"] = match_units(parsed, region)
    for row in parsed["units"]:
        row["decision"] = decisions.get(row["name"]) or row["decision"]
    return parsed
