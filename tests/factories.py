"""factory_boy factories for the domain; tests build only what they need."""

from datetime import date
from decimal import Decimal

import factory

from accounts.models import Role, User
from regions.models import Region, RegionLevel, Unit, UnitKind
from targets.choices import Frequency, Kind
from targets.models import Indicator, Plan, ProgressReport, Section, Target


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    # Always 12 digits, a county level code, and never one of the real codes the tests name (33…, 61…).
    code = factory.Sequence(lambda n: f"34{(n // 99) % 100:02d}{n % 99 + 1:02d}000000")
    name = factory.Sequence(lambda n: f"测试县{n}")
    level = RegionLevel.COUNTY


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    county = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"测试局{n}")
    kind = UnitKind.DEPARTMENT


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.REPORTER
    password = factory.PostGenerationMethodCall("set_password", "Test-pass-123")

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    title = factory.Sequence(lambda n: f"测试实施方案{n}")
    doc_number = "测政办发〔2025〕1号"
    region = factory.SubFactory(RegionFactory)
    start_date = date(2025, 1, 1)
    end_date = date(2025, 12, 31)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"({n})测试行动")


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    plan = factory.SubFactory(PlanFactory)
    seq = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"测试任务{n}")
    content = "改建卫生厕所2600座。"


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    target = factory.SubFactory(TargetFactory)
    name = "改建卫生厕所"
    kind = Kind.INCREASE
    unit = "座"
    baseline = Decimal("0")
    target_value = Decimal("1200")
    start_date = date(2025, 1, 1)
    deadline = date(2025, 12, 31)
    frequency = Frequency.MONTHLY


class ProgressReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReport

    indicator = factory.SubFactory(IndicatorFactory)
    unit = factory.SubFactory(UnitFactory)
    period_start = date(2025, 5, 1)
    value = Decimal("100")
    created_by = factory.SubFactory(UserFactory)
