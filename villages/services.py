"""Every write to regions, village profiles and income records: checked, saved and audited in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import permissions
from accounts.services import audit_record, snapshot
from core.versions import ConflictError, check_version
from regions.models import Region, RegionLevel, division_code_validator, level_of_code
from targets import review
from targets.lights import lights_rejudge

from . import derived
from .excel import ImportRejected, RowError, read_table
from .models import CountyEconomySettings, IncomeRecord, RecordStatus, VillageProfile, VillageType
from .selectors import settings_counties_for, villages_visible_to

RECORD_FIELDS = ["village", "year", "quarter", "total_income", "operating_income", "note", "status", "version"]
RECORD_EDITABLE = ("total_income", "operating_income", "note")
PROFILE_EDITABLE = ("village_type", "flags", "households", "population", "reporter")
MONEY_PLACES = Decimal("0.01")


# Region import -------------------------------------------------------------------------------------

REGION_HEADERS = {
    "code": ("统计用区划代码", "区划代码", "代码", "code"),
    "name": ("名称", "name"),
    "urban_rural_code": ("城乡分类代码", "城乡分类", "urban_rural_code"),
}


def parent_code(code: str) -> str | None:
    """The code of the region one level up, by zeroing the digits below it."""
    level = level_of_code(code)
    keep = {RegionLevel.CITY: 2, RegionLevel.COUNTY: 4, RegionLevel.TOWNSHIP: 6, RegionLevel.VILLAGE: 9}.get(level)
    return None if keep is None else code[:keep].ljust(12, "0")


def _kind_from_name(level: str, name: str) -> str:
    if level == RegionLevel.VILLAGE:
        return VillageType.COMMUNITY if name.endswith(("社区", "居委会")) else VillageType.ADMINISTRATIVE
    if level == RegionLevel.TOWNSHIP:
        for kind in ("街道", "镇", "乡"):
            if name.endswith(kind):
                return kind
    return ""


def _header_columns(cells: list[str], wanted: dict) -> dict[str, int] | None:
    lowered = [c.strip().lower() for c in cells]
    found = {}
    for key, names in wanted.items():
        for name in names:
            if name.lower() in lowered:
                found[key] = lowered.index(name.lower())
                break
    return found


@dataclass
class RegionRow:
    row: int
    code: str
    name: str
    urban_rural_code: str


def _region_rows(table) -> tuple[list[RegionRow], list[RowError]]:
    if not table:
        return [], [RowError(0, "", _("The file has no rows."))]
    first_row, first = table[0]
    columns = _header_columns(first, REGION_HEADERS)
    body = table[1:]
    if "code" not in columns or "name" not in columns:
        if first and first[0].isdigit():
            # The code list as published: no header, code / [urban-rural code /] name.
            columns = {"code": 0, "name": len(first) - 1}
            if len(first) >= 3:
                columns["urban_rural_code"] = 1
            body = table
        else:
            return [], [RowError(first_row, "", _("The header must name the columns 统计用区划代码 and 名称."))]
    rows = []
    for number, cells in body:

        def cell(key):
            index = columns.get(key)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        rows.append(RegionRow(number, cell("code"), cell("name"), cell("urban_rural_code")))
    return rows, []


def _check_region_rows(rows: list[RegionRow], existing: dict[str, Region]) -> list[RowError]:
    errors, seen, names = [], {}, {}
    in_file = {r.code for r in rows}
    for r in rows:
        try:
            division_code_validator(r.code)
        except ValidationError:
            errors.append(
                RowError(r.row, _("code"), _("“%(code)s” is not a 12-digit division code.") % {"code": r.code})
            )
            continue
        if not r.name:
            errors.append(RowError(r.row, _("name"), _("The name is empty.")))
        if r.urban_rural_code and not (r.urban_rural_code.isdigit() and len(r.urban_rural_code) == 3):
            errors.append(
                RowError(
                    r.row,
                    _("urban-rural class code"),
                    _("Expected a 3-digit class code such as 111 or 220, got “%(value)s”.")
                    % {"value": r.urban_rural_code},
                )
            )
        if r.code in seen:
            errors.append(
                RowError(
                    r.row,
                    _("code"),
                    _("%(code)s appears again (first on row %(first)s).") % {"code": r.code, "first": seen[r.code]},
                )
            )
            continue
        seen[r.code] = r.row
        parent = parent_code(r.code)
        if parent and parent not in in_file and parent not in existing:
            errors.append(
                RowError(
                    r.row,
                    _("code"),
                    _("The parent region %(parent)s is neither in the file nor loaded.") % {"parent": parent},
                )
            )
        key = (parent, r.name)
        if r.name and key in names:
            errors.append(
                RowError(
                    r.row,
                    _("name"),
                    _("“%(name)s” is also the name of %(other)s under the same parent.")
                    % {"name": r.name, "other": names[key]},
                )
            )
        names[key] = r.code
    errors += _name_conflicts_with_loaded(rows, existing)
    return errors


def _name_conflicts_with_loaded(rows, existing) -> list[RowError]:
    """A new code may not take the name of another loaded region under the same parent (unless that one is renamed too)."""
    errors = []
    renamed = {r.code for r in rows if r.code in existing and existing[r.code].name != r.name}
    loaded = {(parent_code(code), region.name): code for code, region in existing.items() if code not in renamed}
    in_file = {r.code for r in rows}
    for r in rows:
        other = loaded.get((parent_code(r.code) if len(r.code) == 12 else None, r.name))
        # A clash with a code also in the file was reported by the in-file check already.
        if other and other != r.code and other not in in_file:
            errors.append(
                RowError(
                    r.row,
                    _("name"),
                    _("“%(name)s” is already the name of %(other)s under the same parent.")
                    % {"name": r.name, "other": other},
                )
            )
    return errors


@transaction.atomic
def region_import(*, name: str, data: bytes, by) -> dict:
    """Load counties, townships and villages from the statistical division code list; all or nothing.

    Rows already loaded with the same name change nothing, so a second import of one file is a no-op;
    a known code with a new name is a rename of that region, not a new one. `by` None is the
    `import_regions` command on a deployment that has no account yet.
    """
    if by is not None and not permissions.can_import_regions(by):
        raise PermissionDenied(_("Only the supervision office imports regions."))
    rows, errors = _region_rows(read_table(name, data))
    codes = {r.code for r in rows} | {parent_code(r.code) for r in rows if len(r.code) == 12 and r.code.isdigit()}
    existing = {r.code: r for r in Region.objects.filter(code__in=[c for c in codes if c])}
    # Siblings already loaded are needed for the name checks: one query for the whole file.
    parents = {parent_code(r.code) for r in rows if len(r.code) == 12 and r.code.isdigit()} - {None}
    existing.update({r.code: r for r in Region.objects.filter(parent__code__in=parents)})
    errors += _check_region_rows(rows, existing) if not errors else []
    if errors:
        raise ImportRejected(errors)
    created, renamed, reclassed = [], [], []
    for r in sorted(rows, key=lambda r: r.code):
        region = existing.get(r.code)
        level = level_of_code(r.code)
        if region is None:
            parent = existing.get(parent_code(r.code)) if parent_code(r.code) else None
            region = Region.objects.create(
                code=r.code,
                name=r.name,
                level=level,
                parent=parent,
                kind=_kind_from_name(level, r.name),
                urban_rural_code=r.urban_rural_code,
            )
            existing[r.code] = region
            created.append(r.code)
            continue
        if region.name != r.name:
            renamed.append([r.code, region.name, r.name])
            region.name = r.name
            region.save(update_fields=["name"])
        if r.urban_rural_code and region.urban_rural_code != r.urban_rural_code:
            reclassed.append([r.code, region.urban_rural_code, r.urban_rural_code])
            region.urban_rural_code = r.urban_rural_code
            region.save(update_fields=["urban_rural_code"])
    summary = {"rows": len(rows), "created": len(created), "renamed": len(renamed), "reclassified": len(reclassed)}
    if created or renamed or reclassed:
        audit_record(
            action="regions.import",
            by=by,
            object_type="regions.Region",
            object_repr=name,
            new=summary | {"created_codes": created, "renames": renamed, "class_changes": reclassed},
        )
    return summary


# Income records ------------------------------------------------------------------------------------


def _money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter an amount in 万元, e.g. 12.50.")}) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError({field: _("An amount cannot be negative.")})
    if amount != amount.quantize(MONEY_PLACES):
        raise ValidationError({field: _("Amounts in 万元 have at most two decimals.")})
    if amount >= Decimal("10000000000"):
        raise ValidationError({field: _("This amount is too large for 万元.")})
    return amount.quantize(MONEY_PLACES)


def _check_amounts(total: Decimal, operating: Decimal) -> None:
    if operating > total:
        raise ValidationError({"operating_income": _("Operating income cannot exceed total income.")})


def _check_writer(by, village: Region) -> None:
    if not permissions.can_enter_village_income(by, village):
        raise PermissionDenied(_("Only the reporter of this village's township enters its income."))


@transaction.atomic
def income_record_create(
    *, village: Region, year: int, quarter: int = 0, total_income, operating_income, by, note: str = ""
) -> IncomeRecord:
    _check_writer(by, village)
    total, operating = _money(total_income, "total_income"), _money(operating_income, "operating_income")
    _check_amounts(total, operating)
    if IncomeRecord.objects.filter(village=village, year=year, quarter=quarter).exists():
        raise ValidationError(
            {
                "year": _("%(village)s already has a record for this period; open it to edit.")
                % {"village": village.name}
            }
        )
    record = IncomeRecord(
        village=village,
        year=year,
        quarter=quarter,
        total_income=total,
        operating_income=operating,
        note=note,
        created_by=by,
    )
    record.full_clean()
    record.save()
    audit_record(action="income.create", by=by, obj=record, new=snapshot(record, RECORD_FIELDS))
    return record


def _lock(record: IncomeRecord) -> IncomeRecord:
    return IncomeRecord.objects.select_for_update().select_related("village").get(pk=record.pk)


def _check_version(current, expected_version):
    check_version(
        current,
        expected_version,
        _("This record was changed by someone else (now version %(version)s); reload it and apply your changes again."),
        changes=snapshot(current, RECORD_EDITABLE),
    )


@transaction.atomic
def income_record_update(*, record, by, expected_version: int, **changes) -> IncomeRecord:
    """Change a draft or returned record; refuse when someone saved it since `expected_version` was read."""
    current = _lock(record)
    _check_writer(by, current.village)
    _check_version(current, expected_version)
    if not review.is_editable(current.status):
        raise ValidationError(_("Only a draft or returned record can be changed."))
    old = snapshot(current, RECORD_EDITABLE)
    for name, value in changes.items():
        if name not in RECORD_EDITABLE:
            raise ValidationError(_("%(field)s cannot be changed here.") % {"field": name})
        setattr(current, name, _money(value, name) if name != "note" else value)
    _check_amounts(current.total_income, current.operating_income)
    current.version += 1
    current.save()
    audit_record(action="income.update", by=by, obj=current, old=old, new=snapshot(current, RECORD_EDITABLE))
    return current


# The one review cycle (targets.review), in the words of an income record.
INCOME_WORDING = review.Wording(
    refused={
        review.SUBMIT: gettext_lazy("Only a draft or returned record can be submitted (this one is %(status)s)."),
        review.APPROVE: gettext_lazy("Only a submitted record can be reviewed."),
        review.RETURN: gettext_lazy("Only a submitted record can be reviewed."),
        review.REOPEN: gettext_lazy("Only an approved record can be reopened."),
    },
    own_submission=gettext_lazy("You cannot review a record you submitted yourself."),
    reason_needed={
        review.RETURN: gettext_lazy("Give a reason when returning a record."),
        review.REOPEN: gettext_lazy("Give a reason for reopening an approved record."),
    },
)


def _check_reviewer(by, current: IncomeRecord) -> None:
    if not permissions.can_review_income(by) or not villages_visible_to(by).filter(pk=current.village_id).exists():
        raise PermissionDenied(_("Only the supervision office of this county reviews income records."))


@transaction.atomic
def income_record_submit(*, record, by, expected_version: int | None = None) -> IncomeRecord:
    current = _lock(record)
    _check_writer(by, current.village)
    _check_version(current, expected_version)
    old = review.review_step(current, review.SUBMIT, by=by, wording=INCOME_WORDING)
    audit_record(action="income.submit", by=by, obj=current, old=old, new=snapshot(current, ["status", "version"]))
    return current


@transaction.atomic
def income_record_review(
    *, record, by, approve: bool, comment: str = "", expected_version: int | None = None
) -> IncomeRecord:
    """Approve a submitted record, or return it with a reason. Nobody reviews their own submission."""
    current = _lock(record)
    _check_reviewer(by, current)
    _check_version(current, expected_version)
    old = review.review_step(
        current, review.APPROVE if approve else review.RETURN, by=by, wording=INCOME_WORDING, reason=comment
    )
    audit_record(
        action="income.approve" if approve else "income.return",
        by=by,
        obj=current,
        old=old,
        new=snapshot(current, ["status", "version", "review_comment"]),
    )
    if approve:
        lights_rejudge(indicator_ids=derived.indicators_over(current.village))
    return current


@transaction.atomic
def income_record_reopen(*, record, by, reason: str, expected_version: int | None = None) -> IncomeRecord:
    """Undo an approval (the supervision office only, with a reason): the record goes back to the township
    as returned, and the indicators derived from the village's income no longer count it."""
    current = _lock(record)
    _check_reviewer(by, current)
    _check_version(current, expected_version)
    old = review.review_step(current, review.REOPEN, by=by, wording=INCOME_WORDING, reason=reason)
    audit_record(
        action="income.reopen",
        by=by,
        obj=current,
        old=old,
        new=snapshot(current, ["status", "version", "review_comment"]),
    )
    lights_rejudge(indicator_ids=derived.indicators_over(current.village))
    return current


def village_table_exported(*, by, filters: dict, rows: int) -> None:
    """Audit an export of the village table: who took which villages' figures out."""
    audit_record(action="villages.export", by=by, object_type="regions.Region", new={"filters": filters, "rows": rows})


# County economy settings ---------------------------------------------------------------------------

SETTINGS_FIELDS = ["weak_threshold", "tiers"]


@transaction.atomic
def economy_settings_update(*, county: Region, by, weak_threshold, tiers: list, expected_version: int | None):
    """Set a county's weak-village threshold and income tiers (the supervision office).

    `expected_version` is the version the editor read (None: there were no settings yet); a change
    made since is refused, never overwritten. Every village class and derived light of the county
    is judged again with the new values in this transaction (targets.lights)."""
    if not settings_counties_for(by).filter(pk=county.pk).exists():
        raise PermissionDenied(_("Only the supervision office of this county changes its settings."))
    current = CountyEconomySettings.objects.select_for_update().filter(county=county).first()
    changed_meanwhile = _("Someone changed these settings since you opened them; here they are now.")
    check_version(
        current,
        expected_version,
        changed_meanwhile,
        changes=snapshot(current, SETTINGS_FIELDS) if current else {},
        required=True,
    )
    old = snapshot(current, SETTINGS_FIELDS) if current else None
    settings_row = current or CountyEconomySettings(county=county)
    settings_row.weak_threshold, settings_row.tiers = weak_threshold, tiers
    if current:
        settings_row.version += 1
    settings_row.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            settings_row.save()
    except IntegrityError:
        # Two offices saved a county's first settings at once: the other one's stand.
        raise ConflictError(changed_meanwhile, current=None, changes={}) from None
    audit_record(
        action="economy_settings.update" if current else "economy_settings.create",
        by=by,
        obj=settings_row,
        old=old,
        new=snapshot(settings_row, SETTINGS_FIELDS + ["version"]),
    )
    lights_rejudge(indicator_ids=derived.indicators_over(county))
    return settings_row


# Village profiles ----------------------------------------------------------------------------------


@transaction.atomic
def village_profile_update(*, village: Region, by, expected_version: int | None = None, **changes) -> VillageProfile:
    """Create or change a village's profile (its township's reporter or the supervision office)."""
    if not (permissions.can_enter_village_income(by, village) or permissions.can_review_income(by)):
        raise PermissionDenied(_("Only the village's township or the supervision office edits its profile."))
    profile, created = VillageProfile.objects.select_for_update().get_or_create(village=village)
    if not created:
        check_version(
            profile,
            expected_version,
            _("This profile was changed by someone else; reload it and apply your changes again."),
            changes=snapshot(profile, PROFILE_EDITABLE),
        )
    old = None if created else snapshot(profile, PROFILE_EDITABLE)
    for name, value in changes.items():
        if name not in PROFILE_EDITABLE:
            raise ValidationError(_("%(field)s cannot be changed here.") % {"field": name})
        setattr(profile, name, value)
    profile.flags = sorted({f.strip() for f in profile.flags if f and f.strip()})
    reporter = profile.reporter
    if reporter is not None and not permissions.can_enter_village_income(reporter, village):
        raise ValidationError(
            {
                "reporter": _("The responsible reporter must be a reporter of %(township)s.")
                % {"township": village.parent.name if village.parent_id else ""}
            }
        )
    if not created:
        profile.version += 1
    profile.full_clean()
    profile.save()
    audit_record(action="village.profile", by=by, obj=profile, old=old, new=snapshot(profile, PROFILE_EDITABLE))
    lights_rejudge(indicator_ids=derived.indicators_over(village))
    return profile


# Bulk income import ---------------------------------------------------------------------------------

INCOME_COLUMNS = [
    ("code", "村代码", gettext_lazy("12-digit division code of the village")),
    ("name", "村名称", gettext_lazy("village name (checked against the code)")),
    ("year", "年度", gettext_lazy("year, e.g. 2025")),
    ("quarter", "季度", gettext_lazy("empty for the whole year; 1–4 for the year to the end of that quarter")),
    ("total_income", "总收入(万元)", gettext_lazy("total income in 万元, two decimals at most")),
    ("operating_income", "经营性收入(万元)", gettext_lazy("operating income in 万元, not above the total")),
    ("note", "备注", gettext_lazy("optional note")),
]


def _income_row(number, cells, columns, villages, seen) -> tuple[dict | None, list[RowError]]:
    def cell(key):
        index = columns.get(key)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    errors = []
    header = dict((key, title) for key, title, _help in INCOME_COLUMNS)
    village = villages.get(cell("code"))
    if village is None:
        return None, [
            RowError(
                number, header["code"], _("“%(code)s” is not a village you enter income for.") % {"code": cell("code")}
            )
        ]
    if cell("name") and cell("name") != village.name:
        errors.append(
            RowError(
                number,
                header["name"],
                _("The code %(code)s is %(name)s, not “%(given)s”.")
                % {"code": village.code, "name": village.name, "given": cell("name")},
            )
        )
    year = cell("year")
    if not (year.isdigit() and 1990 <= int(year) <= 2100):
        errors.append(
            RowError(number, header["year"], _("Expected a year such as 2025, got “%(value)s”.") % {"value": year})
        )
    quarter = cell("quarter") or "0"
    if quarter not in ("0", "1", "2", "3", "4"):
        errors.append(
            RowError(number, header["quarter"], _("Expected empty or 1–4, got “%(value)s”.") % {"value": quarter})
        )
    amounts = {}
    for key in ("total_income", "operating_income"):
        try:
            amounts[key] = _money(cell(key), key)
        except ValidationError as exc:
            errors.append(RowError(number, header[key], exc.message_dict[key][0]))
    if len(amounts) == 2 and amounts["operating_income"] > amounts["total_income"]:
        errors.append(RowError(number, header["operating_income"], _("Operating income cannot exceed total income.")))
    if errors:
        return None, errors
    key = (village.pk, int(year), int(quarter))
    if key in seen:
        return None, [
            RowError(
                number, header["year"], _("The same village and period is on row %(first)s too.") % {"first": seen[key]}
            )
        ]
    seen[key] = number
    return {"village": village, "year": int(year), "quarter": int(quarter), "note": cell("note"), **amounts}, []


@transaction.atomic
def income_import(*, name: str, data: bytes, by, submit: bool = False) -> dict:
    """Create or update many income records from the template; all or nothing.

    A row for a period that already has a draft or returned record updates it; one already
    submitted or approved is refused (it is under review or closed).
    """
    table = read_table(name, data)
    if not table:
        raise ImportRejected([RowError(0, "", _("The file has no rows."))])
    header_row, header = table[0]
    columns = _header_columns(header, {key: (title, key) for key, title, _help in INCOME_COLUMNS})
    missing = [
        title for key, title, _help in INCOME_COLUMNS if key not in columns and key not in ("name", "quarter", "note")
    ]
    if missing:
        raise ImportRejected([RowError(header_row, m, _("This column is missing from the header.")) for m in missing])
    villages = {v.code: v for v in villages_visible_to(by) if permissions.can_enter_village_income(by, v)}
    errors, parsed, seen = [], [], {}
    for number, cells in table[1:]:
        row, row_errors = _income_row(number, cells, columns, villages, seen)
        errors += row_errors
        if row:
            parsed.append((number, row))
    existing = {
        (r.village_id, r.year, r.quarter): r
        for r in IncomeRecord.objects.filter(village__in=[row["village"] for _n, row in parsed]).select_for_update()
    }
    for number, row in parsed:
        record = existing.get((row["village"].pk, row["year"], row["quarter"]))
        if record is not None and record.status not in (RecordStatus.DRAFT, RecordStatus.RETURNED):
            errors.append(
                RowError(
                    number,
                    "",
                    _("%(village)s %(period)s is already %(status)s and cannot be replaced.")
                    % {"village": record.village.name, "period": record.period, "status": record.get_status_display()},
                )
            )
    if errors:
        raise ImportRejected(errors)
    created = updated = 0
    for _number, row in parsed:
        record = existing.get((row["village"].pk, row["year"], row["quarter"]))
        if record is None:
            record = income_record_create(by=by, **row)
            created += 1
        else:
            record = income_record_update(
                record=record,
                by=by,
                expected_version=record.version,
                total_income=row["total_income"],
                operating_income=row["operating_income"],
                note=row["note"],
            )
            updated += 1
        if submit:
            income_record_submit(record=record, by=by)
    summary = {"rows": len(parsed), "created": created, "updated": updated, "submitted": len(parsed) if submit else 0}
    audit_record(action="income.import", by=by, object_type="villages.IncomeRecord", object_repr=name, new=summary)
    return summary


def income_template() -> bytes:
    """The import template: the header row and one example row people overwrite."""
    from .excel import write_xlsx

    columns = [(title, (lambda row, key=key: row.get(key, "")), None) for key, title, _help in INCOME_COLUMNS]
    example = {
        "code": "330305100201",
        "name": "观音礁村",
        "year": timezone.localdate().year - 1,
        "quarter": "",
        "total_income": Decimal("56.30"),
        "operating_income": Decimal("31.25"),
        "note": "",
    }
    return write_xlsx("income", columns, [example])
