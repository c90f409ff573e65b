"""Load the demo: two counties, their plans imported from the source documents in demo/data/, people,
report history, village economy, report schedules, document frames and leaders' instructions (批示).

The facts file (demo/data/facts.toml) holds what the documents do not say; demo/plans.py reads the
documents through the importer; demo/history.py and demo/villages.py generate the figures.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import audit_record
from regions.models import Region, Unit
from reports.models import ReportSchedule
from reports.services import document_frame_save
from supervision.services import snapshot_history
from targets import lights
from targets.choices import ReportStatus
from targets.models import Indicator, Plan, ProgressReport, ReportVersion

from . import history, instructions, plans, villages
from .facts import PLANS, facts


def demo_password() -> str:
    return facts()["password"]


def demo_accounts() -> list[tuple[str, Role, str]]:
    """(username, role, full name) of every demo login, in the facts' order."""
    return [(username, Role(role), full_name) for username, role, full_name, _county, _unit in facts()["accounts"]]


def demo_is_loaded() -> bool:
    return Plan.objects.filter(doc_number=facts()["dongtou"]["doc_number"]).exists()


def _accounts(counties: dict[str, Region], units_by_county: dict[str, dict[str, Unit]]) -> dict[int, User]:
    """The demo logins (created once, with the demo password); returns the reporters by unit id."""
    reporters = {}
    for username, role, full_name, county_code, unit_name in facts()["accounts"]:
        unit = units_by_county[county_code][unit_name] if role == Role.REPORTER else None
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "role": role,
                "first_name": full_name,
                "unit": unit,
                "region": counties.get(county_code) if role != Role.REPORTER else None,
                "is_staff": role == Role.ADMIN,
                "is_superuser": role == Role.ADMIN,
            },
        )
        if created:
            user.set_password(demo_password())
            user.save()
        if unit is not None:
            reporters[unit.pk] = user
    return reporters


def _office_settings(county: Region, key: str, by: User) -> None:
    """The office's report schedule (its plan's dispatch months) and its documents' frame."""
    spec = facts()[key]
    if spec.get("dispatch_months"):
        ReportSchedule.objects.update_or_create(
            region=county,
            defaults={
                "dispatch_months": ",".join(str(m) for m in spec["dispatch_months"]),
                "half_year_month": spec["half_year_month"],
            },
        )
    if not hasattr(county, "document_frame"):
        document_frame_save(region=county, by=by, expected_version=None, **spec["frame"])


@transaction.atomic
def demo_load(*, today: date | None = None) -> dict:
    """Create the demo counties, plans, people and history. Refuses to run twice."""
    if demo_is_loaded():
        return {"created": False}
    today = today or timezone.localdate()
    counties, units_by_county = {}, {}
    for key in PLANS:
        county, units = plans.geography(key)
        counties[county.code], units_by_county[county.code] = county, units
    reporters = _accounts(counties, units_by_county)
    system = User.objects.get(username="sysadmin")
    reports, indicators = [], 0
    for key in PLANS:
        county = counties[facts()[key]["county"]]
        plan = plans.plan_load(key, county, by=system, today=today)
        plans.yearly_targets(key, plan, by=system)
        loaded = list(
            Indicator.objects.filter(target__plan=plan).select_related("target").order_by("target__seq", "order")
        )
        indicators += len(loaded)
        history.allocate(loaded, units_by_county[county.code])
        reviewer = User.objects.filter(role=Role.SUPERVISOR, region=county).first()
        for report in history.history(plan, loaded, reporters, system, today):
            report.reviewed_by = None if report.status == ReportStatus.SUBMITTED else reviewer
            reports.append(report)
        _office_settings(county, key, system)
    ProgressReport.objects.bulk_create(reports, batch_size=1000)
    ReportVersion.objects.bulk_create(history.versions(reports), batch_size=1000)
    economy = villages.load(today=today)
    lights.lights_rejudge_all(today=today)  # bulk_create passes by the services
    written = instructions.load(counties=counties, today=today)
    frozen = [end for end, _count in snapshot_history(last=today, months=13, today=today, by=system)]
    summary = {
        "created": True,
        "plans": len(PLANS),
        "indicators": indicators,
        "reports": len(reports),
        "months_frozen": len(frozen),
        "instructions": written,
        **economy,
    }
    audit_record(action="demo.load", by=system, object_type="demo", new=summary)
    return summary
