"""Codes of electronic monitoring (omvendt fodlænke) that are not part of the pure core."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from samspil.monitoring.core import AlertType, OrderKind


class OrderKindChoice(models.TextChoices):
    RESTRAINING_ORDER = OrderKind.RESTRAINING_ORDER.value, _("Restraining order")
    AREA_BAN = OrderKind.AREA_BAN.value, _("Area ban")


class AlertTypeChoice(models.TextChoices):
    ZONE_ENTER = AlertType.ZONE_ENTER.value, _("Entered a zone")
    ZONE_EXIT = AlertType.ZONE_EXIT.value, _("Left a zone")
    PROXIMITY = AlertType.PROXIMITY.value, _("Close to the protected person")
    PROXIMITY_END = AlertType.PROXIMITY_END.value, _("No longer close to the protected person")
    LOST_CONTACT = AlertType.LOST_CONTACT.value, _("Lost contact")
    BATTERY_LOW = AlertType.BATTERY_LOW.value, _("Battery low")
    TAMPER = AlertType.TAMPER.value, _("Tampering")


class AlertStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("alert status", "New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ESCALATED = "escalated", _("Escalated")


class DeviceKind(models.TextChoices):
    TAG = "tag", _("Tag (restrained person)")
    PROTECTED = "protected", _("Protected person's device")
    # A receiver that forwards the fixes of many devices (the supplier's platform).
    GATEWAY = "gateway", _("Gateway")


class ZoneType(models.TextChoices):
    CIRCLE = "circle", _("Circle")
    POLYGON = "polygon", _("Polygon")


class ZonePlace(models.TextChoices):
    HOME = "home", _("Home")
    WORK = "work", _("Work")
    SCHOOL = "school", _("School")
    AREA = "area", _("Banned area")
    OTHER = "other", _("Other")


class IngestSource(models.TextChoices):
    HTTP = "http", _("HTTP")
    MQTT = "mqtt", _("MQTT")
    TEST = "test", _("Test")


class RejectReason(models.TextChoices):
    """Why an ingested message was refused. Counted per reason; see RejectedMessage."""

    NOT_JSON = "not_json", _("Not valid JSON")
    NOT_A_BATCH = "not_a_batch", _("Not a list of positions")
    BATCH_TOO_LARGE = "batch_too_large", _("Too many positions in one batch")
    NOT_OBJECT = "not_object", _("A position is not an object")
    UNKNOWN_FIELD = "unknown_field", _("Unknown field")
    MISSING_FIELD = "missing_field", _("A required field is missing")
    BAD_DEVICE = "bad_device", _("Device id is not text")
    BAD_TIME = "bad_time", _("Time is not ISO 8601 with an offset")
    TIME_IN_FUTURE = "time_in_future", _("Time is in the future")
    BAD_LATITUDE = "bad_latitude", _("Latitude out of range")
    BAD_LONGITUDE = "bad_longitude", _("Longitude out of range")
    BAD_ACCURACY = "bad_accuracy", _("Accuracy is not a non-negative number")
    BAD_BATTERY = "bad_battery", _("Battery is not between 0 and 1")
    BAD_TAMPER = "bad_tamper", _("Tamper is not 0, 1 or empty")
    UNKNOWN_DEVICE = "unknown_device", _("Unknown or inactive device")
    NOT_PERMITTED = "not_permitted", _("The credential may not report for this device")


# Alerts an operator can confirm as a breach of the order; a confirmed one becomes an incident.
BREACH_TYPES = frozenset({AlertType.ZONE_ENTER.value, AlertType.PROXIMITY.value})

# "Repeated breaches on this order → possible stalking (straffeloven § 242)": this many confirmed
# breaches of one order within STALKING_WINDOW raise the flag.
STALKING_BREACH_COUNT = 2
STALKING_WINDOW = timedelta(days=365)

# Area bans ("utryghedsskabende adfærd", 2025): 500 m radius, at most 1,000 m (domain.md).
AREA_BAN_MIN_RADIUS_M = 500
AREA_BAN_MAX_RADIUS_M = 1000

# A batch larger than this is refused as a whole: one request must not hold the ingest lock long.
MAX_BATCH = 5000
# A device clock a little ahead of the server is tolerated; further ahead is refused.
CLOCK_SKEW = timedelta(minutes=2)
# check_silence trails the wall clock by this much so a fix still in transit is not "silence".
DELIVERY_GRACE = timedelta(seconds=30)
# On start (or after the orders change) the live evaluator replays this much recent history.
WARMUP = timedelta(hours=24)
