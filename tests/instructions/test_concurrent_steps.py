"""Units reached answer a 批示 at the same moment, over the API, each thread with its own PostgreSQL
connection: every unit's answer goes in (each is checked against its own part), while two people of one
unit answering the same read conflict, one 200 and one 412."""

import threading

import pytest
from django.db import connection

from accounts.models import Role
from instructions import services
from instructions.models import Instruction, InstructionStatus

from ..conftest import POSTGRES_ONLY, api_as
from ..factories import UnitFactory, UserFactory

pytestmark = POSTGRES_ONLY


def _answer_at_once(instruction, users, tag):
    barrier = threading.Barrier(len(users))
    codes = []

    def answer(user):
        try:
            client = api_as(user)
            barrier.wait(timeout=30)
            codes.append(
                client.post(
                    f"/api/instructions/{instruction.pk}/respond/",
                    {"response": f"{user.unit.name}已办结"},
                    format="json",
                    HTTP_IF_MATCH=tag,
                ).status_code
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(codes)


@pytest.fixture
def leader(county):
    return UserFactory(role=Role.LEADER, region=county)


def test_four_units_answering_at_once_all_get_through(leader, indicator, county):
    units = [UnitFactory(county=county, name=f"区第{n}局") for n in range(4)]
    indicator.target.lead_units.set(units)
    instruction = services.instruction_issue(kind="indicator", target=indicator, by=leader, text="抓紧推进")
    users = [UserFactory(role=Role.REPORTER, unit=unit) for unit in units]
    assert _answer_at_once(instruction, users, '"1.1"') == [200, 200, 200, 200]
    instruction = Instruction.objects.get(pk=instruction.pk)
    assert instruction.status == InstructionStatus.ANSWERED and instruction.version == 5
    assert sorted(instruction.reaches.values_list("response", flat=True)) == [f"区第{n}局已办结" for n in range(4)]


def test_two_people_of_one_unit_answering_the_same_read_conflict(leader, indicator, dept, dept_reporter):
    instruction = services.instruction_issue(kind="indicator", target=indicator, by=leader, text="抓紧推进")
    colleague = UserFactory(role=Role.REPORTER, unit=dept)
    assert _answer_at_once(instruction, [dept_reporter, colleague], '"1.1"') == [200, 412]
    assert Instruction.objects.get(pk=instruction.pk).reaches.get().version == 2
