"""Reads about regions and units: the code prefix that scopes everything, and who sees which regions."""

from django.db.models import Q

from .models import Region, RegionLevel, Unit, UnitKind

PREFIX_LENGTH = {
    RegionLevel.PROVINCE: 2,
    RegionLevel.CITY: 4,
    RegionLevel.COUNTY: 6,
    RegionLevel.TOWNSHIP: 9,
    RegionLevel.VILLAGE: 12,
}


def region_prefix(region: Region) -> str:
    """The part of the division code every region inside this one shares."""
    return region.code[: PREFIX_LENGTH[region.level]]


def region_and_above_codes(region: Region) -> list[str]:
    """The division codes of the region and of each region above it (its township, county, city and
    province), read from the code itself: a county's code begins with its city's and province's prefixes."""
    prefix = region_prefix(region)
    return [prefix[:n].ljust(12, "0") for n in (2, 4, 6, 9) if n < len(prefix)] + [region.code]


def regions_within(region: Region):
    return Region.objects.filter(code__startswith=region_prefix(region))


def townships_of(county: Region):
    return Region.objects.filter(parent=county, level=RegionLevel.TOWNSHIP).order_by("code")


def township_units_of(region: Region):
    """The township units of the region's county (各街道乡镇 of a plan there), in division-code order."""
    return Unit.objects.filter(kind=UnitKind.TOWNSHIP, county__code__startswith=region.code[:6]).order_by(
        "township__code", "name"
    )


def _area_prefix(user) -> str | None:
    """The division-code prefix of the user's area; None for every region."""
    if user.is_reporter:
        return user.unit.county.code[:6]
    return region_prefix(user.region) if user.region_id else None


def regions_visible_to(user):
    prefix = _area_prefix(user)
    regions = Region.objects.all()
    if prefix is None:
        return regions
    # The chain of regions above the area (its city and province) is visible too, for names and paths.
    above = [prefix[:n].ljust(12, "0") for n in (2, 4, 6, 9) if n < len(prefix)]
    return regions.filter(Q(code__startswith=prefix) | Q(code__in=above))


def area_name(user) -> str:
    """The name a user's own lists go out under: the unit of a reporter, else the user's region."""
    if user.is_reporter and user.unit_id:
        return user.unit.name
    return user.region.name if user.region_id else "全部地区"


def units_visible_to(user):
    prefix = _area_prefix(user)
    units = Unit.objects.all()
    return units if prefix is None else units.filter(county__code__startswith=prefix[:6])
