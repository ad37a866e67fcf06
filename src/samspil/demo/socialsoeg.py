"""The demo's Socialsøg year: the weekly screening run at the end of each quarter, and the
reviewer's decisions on the hits it raises — a socialrapport to the children's municipality, or
no action with a reason — through the risk services. The number of socialrapporter sent from
Socialsøg each year is the calibrated part (26 % of the 2025 total, as published)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from samspil.accounts.models import User
from samspil.organisations.models import District
from samspil.risk.constants import HitStatus
from samspil.risk.models import Hit
from samspil.risk.services import hit_dismiss, hit_send_social_report, screening_run

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
# Quarterly runs and, per run, how many hits the reviewer reports to the municipality.
REPORTS_FROM_SOCIALSOEG = {
    2024: ((date(2024, 3, 29), 60), (date(2024, 6, 28), 62), (date(2024, 9, 27), 64),
           (date(2024, 12, 6), 64)),
    2025: ((date(2025, 3, 28), 74), (date(2025, 6, 27), 75), (date(2025, 9, 26), 75),
           (date(2025, 12, 5), 74)),
}
DISMISS_SHARE = 0.35


def demo_socialsoeg_build(*, reviewer: User, seed: int) -> dict[str, int]:
    rng = random.Random(seed + 11)
    assert reviewer.organisation is not None
    district = District.objects.get(pk=reviewer.organisation.district_id)
    counts = {"runs": 0, "reported": 0, "dismissed": 0}
    for runs in REPORTS_FROM_SOCIALSOEG.values():
        for as_of, to_report in runs:
            screening_run(as_of=as_of, district=district, actor=reviewer)
            counts["runs"] += 1
            open_hits = list(Hit.objects.filter(district=district, status=HitStatus.OPEN)
                             .order_by("pk"))
            if len(open_hits) < to_report:
                raise RuntimeError(f"only {len(open_hits)} open hits on {as_of}")
            rng.shuffle(open_hits)
            decided = as_of + timedelta(days=3)
            for hit in open_hits[:to_report]:
                at = datetime.combine(decided, time(rng.randrange(8, 15), rng.randrange(60)),
                                      COPENHAGEN)
                hit_send_social_report(
                    actor=reviewer, hit=hit, at=at,
                    concern_text="Gentagne hændelser med barnets omsorgspersoner giver "
                                 "bekymring for barnets trivsel (fiktiv).",
                )
                counts["reported"] += 1
            rest = open_hits[to_report:]
            for hit in rest[: int(len(rest) * DISMISS_SHARE)]:
                at = datetime.combine(decided, time(15, rng.randrange(60)), COPENHAGEN)
                hit_dismiss(actor=reviewer, hit=hit, at=at,
                            reason="Kommunen er allerede bekendt med familien (fiktiv).")
                counts["dismissed"] += 1
    return counts
