"""Putting an order under monitoring: only a granted restraining order or an area ban in force."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from samspil.accounts.models import User
from samspil.cases.models import Case
from samspil.cases.services import case_open
from samspil.monitoring import core
from samspil.monitoring.live import MONITOR
from samspil.monitoring.models import Device, MonitoringOrder, MonitorState
from samspil.monitoring.orders import to_core_order
from samspil.monitoring.services import monitoring_order_create
from samspil.monitoring.tests.conftest import home_zone
from samspil.monitoring.tests.support import ORIGIN_LAT, ORIGIN_LON
from samspil.monitoring.tests.support import order as core_order
from samspil.organisations.models import Municipality
from samspil.persons.models import Person

pytestmark = pytest.mark.django_db


def test_a_granted_restraining_order_becomes_the_cores_order(order: MonitoringOrder) -> None:
    converted = to_core_order(order)

    assert converted.order_id == "T-2026-0001"
    assert converted.zones == (core.Zone.circle("home", lat=ORIGIN_LAT, lon=ORIGIN_LON,
                                                radius_m=500),)
    assert (converted.tag, converted.protected_device, converted.proximity_m) == (
        "TAG-0001", "VIC-0001", 1000)
    assert MonitorState.objects.get().orders_version == 1


def test_a_request_not_yet_granted_cannot_be_monitored(
    officer: User, restrained: Person, make_order: Callable[..., MonitoringOrder],
) -> None:
    pending = case_open(actor=officer, case_type="restraining_order_request",
                        municipality=Municipality.objects.get(code="265"), person=restrained,
                        fields={"variant": "ordinary"})

    with pytest.raises(ValidationError):
        make_order(case=pending)


@pytest.fixture
def area_ban(officer: User, restrained: Person) -> Case:
    return case_open(actor=officer, case_type="area_ban",
                     municipality=Municipality.objects.get(code="265"), person=restrained,
                     fields={"area": "Roskilde station", "radius_m": 500})


def test_an_area_ban_takes_a_circle_of_500_to_1000_metres_or_a_polygon(
    area_ban: Case, make_order: Callable[..., MonitoringOrder],
) -> None:
    for radius in (499, 1001):
        with pytest.raises(ValidationError):
            make_order(case=area_ban, kind="area_ban", order_id=f"O-{radius}",
                       zones=[{**home_zone(radius), "place": "area"}])
    ring = [[12.08, 55.64], [12.09, 55.64], [12.09, 55.65], [12.08, 55.64]]
    order = make_order(case=area_ban, kind="area_ban", order_id="O-1", protected_device=None,
                       zones=[{**home_zone(750), "place": "area"},
                              {"zone_id": "centre", "place": "area", "type": "polygon",
                               "coordinates": ring}])

    assert [zone.type for zone in to_core_order(order).zones] == ["polygon", "circle"]
    assert to_core_order(order).protected_device is None


def test_an_area_ban_case_is_not_a_restraining_order(
    area_ban: Case, make_order: Callable[..., MonitoringOrder],
) -> None:
    with pytest.raises(ValidationError):
        make_order(case=area_ban, kind="restraining_order")


def test_the_cores_checks_refuse_a_broken_configuration(
    make_order: Callable[..., MonitoringOrder], base: datetime
) -> None:
    with pytest.raises(ValidationError):
        make_order(valid_to=base - timedelta(days=60))
    with pytest.raises(ValidationError):
        make_order(zones=[{"zone_id": "home", "place": "home", "type": "polygon",
                           "coordinates": [[12.08, 55.64], [12.09, 55.64]]}])
    assert not MonitoringOrder.objects.exists()


def test_an_outsider_cannot_monitor_the_districts_case(
    outsider: User, granted_case: Case, tag: Device, base: datetime
) -> None:
    with pytest.raises(PermissionDenied):
        monitoring_order_create(actor=outsider, case=granted_case, order_id="X-1",
                                kind="restraining_order", tag=tag, valid_from=base,
                                valid_to=base + timedelta(days=1), zones=[home_zone()])


def test_a_caseworker_cannot_manage_monitoring(
    caseworker: User, granted_case: Case, tag: Device, base: datetime
) -> None:
    with pytest.raises(PermissionDenied):
        monitoring_order_create(actor=caseworker, case=granted_case, order_id="X-1",
                                kind="restraining_order", tag=tag, valid_from=base,
                                valid_to=base + timedelta(days=1), zones=[home_zone()])


def test_an_order_change_keeps_the_state_of_unchanged_orders(order: MonitoringOrder) -> None:
    # The carry-over of the core, through the live monitor's switch of orders.
    with MONITOR.evaluating():
        MONITOR.sync(MONITOR.lock_state())
    assert MONITOR.rebuilds >= 1
    rebuilds = MONITOR.rebuilds
    MonitorState.objects.filter(pk=1).update(orders_version=99)
    with MONITOR.evaluating():
        MONITOR.sync(MONITOR.lock_state())
    assert MONITOR.rebuilds == rebuilds  # switched, not rebuilt from history


def test_carry_over_keeps_inside_for_an_unchanged_order_and_starts_a_changed_one_outside() -> None:
    from samspil.monitoring.tests.support import fix

    before = core.Evaluator([core_order(), core_order(order_id="T-2", buffer_m=10)])
    before.feed(fix(0, 100))
    after = core.Evaluator([core_order(), core_order(order_id="T-2", buffer_m=20)])
    after.carry_over(before)

    alerts = after.feed(fix(1, 200))
    assert [(alert.order_id, alert.type.value) for alert in alerts] == [("T-2", "zone_enter")]
    assert after.feed(fix(1, 100)) == []  # not newer than the last fix: ignored
