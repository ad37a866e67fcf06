"""Fixtures for the database side of monitoring: a granted restraining order under monitoring.

Tracks are placed with ``support.place`` (metres from an origin near Roskilde) and timed from
``BASE``, two hours ago, so that the order is in force and no fix lies in the future.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from samspil.accounts.models import User
from samspil.cases.models import Case
from samspil.cases.services import case_open, case_transition
from samspil.monitoring import wakeup
from samspil.monitoring.live import MONITOR
from samspil.monitoring.models import Device, MonitoringOrder
from samspil.monitoring.services import device_register, monitoring_order_create, positions_ingest
from samspil.monitoring.tests.support import ORIGIN_LAT, ORIGIN_LON, place
from samspil.organisations.models import Municipality
from samspil.persons.models import Person
from samspil.persons.services import person_register

ORDER_ID = "T-2026-0001"
TAG_ID = "TAG-0001"
VICTIM_ID = "VIC-0001"


def base_time() -> datetime:
    now = timezone.now().replace(second=0, microsecond=0)
    return now - timedelta(hours=2)


@pytest.fixture(autouse=True)
def _fresh_monitor() -> Iterator[None]:
    # The database is rolled back between tests; the process's evaluator must start over too.
    MONITOR.invalidate()
    yield
    MONITOR.invalidate()
    # Its PostgreSQL connection would keep the test database from being dropped.
    wakeup.stop_listener()


@pytest.fixture
def base() -> datetime:
    return base_time()


@pytest.fixture
def restrained(officer: User) -> Person:
    return person_register(actor=officer, given_name="Rasmus", family_name="Testesen",
                           municipality=Municipality.objects.get(code="265"), birth_date=date(1990, 5, 1),
                           is_synthetic=True)


@pytest.fixture
def protected_person(officer: User) -> Person:
    return person_register(actor=officer, given_name="Pia", family_name="Testesen",
                           municipality=Municipality.objects.get(code="265"), birth_date=date(1990, 5, 1),
                           is_synthetic=True)


@pytest.fixture
def granted_case(officer: User, restrained: Person) -> Case:
    case = case_open(actor=officer, case_type="restraining_order_request",
                     municipality=Municipality.objects.get(code="265"), person=restrained,
                     fields={"variant": "ordinary"}, is_synthetic=True)
    case = case_transition(actor=officer, case=case, action="visitate")
    return case_transition(actor=officer, case=case, action="decide", outcome="granted",
                           fields={"order_kind": "tilhold"})


@pytest.fixture
def tokens() -> dict[str, str]:
    return {}


@pytest.fixture
def tag(officer: User, tokens: dict[str, str]) -> Device:
    device, tokens[TAG_ID] = device_register(actor=officer, device_id=TAG_ID, kind="tag",
                                             is_synthetic=True)
    return device


@pytest.fixture
def victim_device(officer: User, tokens: dict[str, str]) -> Device:
    device, tokens[VICTIM_ID] = device_register(actor=officer, device_id=VICTIM_ID,
                                                kind="protected", is_synthetic=True)
    return device


def home_zone(radius_m: float = 500) -> dict[str, Any]:
    return {"zone_id": "home", "place": "home", "type": "circle", "lat": ORIGIN_LAT,
            "lon": ORIGIN_LON, "radius_m": radius_m}


@pytest.fixture
def make_order(officer: User, granted_case: Case, tag: Device, victim_device: Device,
               base: datetime) -> Callable[..., MonitoringOrder]:
    def factory(**overrides: Any) -> MonitoringOrder:
        fields: dict[str, Any] = {
            "case": granted_case,
            "order_id": ORDER_ID,
            "kind": "restraining_order",
            "tag": tag,
            "valid_from": base - timedelta(days=30),
            "valid_to": base + timedelta(days=30),
            "zones": [home_zone()],
            "buffer_m": 50,
            "protected_device": victim_device,
            "proximity_m": 1000,
            "lost_contact_minutes": 10,
            "battery_threshold": 0.15,
            "is_synthetic": True,
        }
        fields.update(overrides)
        return monitoring_order_create(actor=officer, **fields)

    return factory


@pytest.fixture
def order(make_order: Callable[..., MonitoringOrder]) -> MonitoringOrder:
    return make_order()


def message(device: str, time: datetime, east_m: float, north_m: float = 0.0,
            **extra: Any) -> dict[str, Any]:
    """One ingest message, the fix placed east_m, north_m metres from the origin."""
    lat, lon = place(east_m, north_m)
    return {"device_id": device, "time": time.isoformat(), "lat": lat, "lon": lon,
            "accuracy_m": 5, **extra}


def ingest(*messages: dict[str, Any]) -> Any:
    return positions_ingest(positions=list(messages), source="test")
