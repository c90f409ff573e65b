"""Reads about regions and units."""
from .models import Region, RegionLevel

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


def regions_within(region: Region):
    return Region.objects.filter(code__startswith=region_prefix(region))


def townships_of(county: Region):
    return Region.objects.filter(parent=county, level=RegionLevel.TOWNSHIP).order_by("code")
