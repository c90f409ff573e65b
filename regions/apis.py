"""REST endpoints for regions and units (read only: they change through the region import and the admin).

A user sees the regions and units of its own area: a reporter its unit's county, the others their
region (everything when they have none). Anything else answers 404.
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, viewsets

from .models import Region, Unit
from .selectors import region_prefix, regions_visible_to, units_visible_to


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text=_("Division code of the enclosing region.")
    )

    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "parent", "kind", "urban_rural_code"]
        extra_kwargs = {
            "code": {"help_text": _("12-digit statistical division code (区划代码).")},
            "name": {"help_text": _("Name of the region.")},
            "level": {"help_text": _("province, city, county, township or village.")},
            "kind": {"help_text": _("街道 / 镇 / 乡 for townships, 行政村 / 社区 for villages.")},
            "urban_rural_code": {"help_text": _("Urban-rural class code (城乡分类代码).")},
        }


class UnitSerializer(serializers.ModelSerializer):
    county = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text=_("Division code of the unit's county.")
    )
    township = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text=_("For a township unit: the township it governs.")
    )

    class Meta:
        model = Unit
        fields = ["id", "name", "kind", "county", "township", "email"]
        extra_kwargs = {
            "name": {"help_text": _("Name of the unit (责任单位).")},
            "kind": {"help_text": _("department (部门) or township (乡镇街道).")},
            "email": {"help_text": _("Address the unit's reminders go to.")},
        }


class RegionFilter(django_filters.FilterSet):
    within = django_filters.CharFilter(
        method="filter_within", help_text=_("Division code; regions inside it (itself included).")
    )
    parent = django_filters.CharFilter(field_name="parent__code", help_text=_("Division code of the parent."))

    class Meta:
        model = Region
        fields = ["level", "parent", "code", "within"]

    def filter_within(self, qs, name, value):
        region = Region.objects.filter(code=value).first()
        return qs.filter(code__startswith=region_prefix(region)) if region else qs.none()


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Region.objects.none()  # the model, for the schema; get_queryset scopes the rows
    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    ordering_fields = ["code", "name"]

    def get_queryset(self):
        return regions_visible_to(self.request.user).select_related("parent").order_by("code")


class UnitFilter(django_filters.FilterSet):
    county = django_filters.CharFilter(field_name="county__code", help_text=_("Division code of the county."))

    class Meta:
        model = Unit
        fields = ["county", "kind"]


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Unit.objects.none()  # the model, for the schema; get_queryset scopes the rows
    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    ordering_fields = ["name", "id"]

    def get_queryset(self):
        return (
            units_visible_to(self.request.user)
            .select_related("county", "township")
            .order_by("county__code", "kind", "name", "id")
        )
