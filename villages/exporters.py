"""The village table as an Excel file: columns declared as data, never magic column numbers."""

from django.utils.translation import gettext as _

from . import rules
from .excel import MONEY_FORMAT, write_xlsx


def _category_label(row) -> str:
    labels = {
        "missing": _("no approved record"),
        "hollow": _("hollow"),
        "weak": _("weak"),
        "below": _("below the first tier"),
    }
    return labels.get(row.category) or rules.tier_label(row.tier)


def village_columns():
    return [
        (_("Division code"), lambda r: r.village.code, None),
        (_("Village"), lambda r: r.village.name, None),
        (_("Township"), lambda r: r.township.name, None),
        (_("Type"), lambda r: r.village_type, None),
        (_("Flags"), lambda r: "、".join(r.flags), None),
        (_("Households"), lambda r: r.households, "#,##0"),
        (_("Population"), lambda r: r.population, "#,##0"),
        (_("Total income (万元)"), lambda r: r.income.total if r.income else None, MONEY_FORMAT),
        (_("Operating income (万元)"), lambda r: r.income.operating if r.income else None, MONEY_FORMAT),
        (_("Class"), _category_label, None),
    ]


def village_table_xlsx(rows, year: int, *, author: str = "") -> bytes:
    return write_xlsx(_("Villages %(year)s") % {"year": year}, village_columns(), rows, author=author)
