from targets.models import Allocation
from targets.selectors import expected_reporters


def test_the_first_lead_unit_owes_the_report_of_an_unallocated_indicator(indicator, dept, other_unit):
    indicator.target.lead_units.add(other_unit)
    assert expected_reporters([indicator.pk]) == {indicator.pk: [dept.pk]}


def test_allocated_townships_owe_their_own_reports(indicator, town_unit):
    Allocation.objects.create(indicator=indicator, unit=town_unit, target_value=10)
    assert expected_reporters([indicator.pk]) == {indicator.pk: [town_unit.pk]}
