"""The demo plans: the Vejen 2014 plan from the seed document and a 2025 plan for Midt- og
Vestsjælland; building them twice changes nothing."""

from __future__ import annotations

import pytest

from samspil.meetings.constants import ForumKind
from samspil.meetings.models import Forum
from samspil.plans.constants import IndicatorMode, PlanStatus
from samspil.plans.demo import demo_plans_build
from samspil.plans.models import Activity, CooperationPlan, FocusArea, Indicator

pytestmark = pytest.mark.django_db

KREDSRAAD_AREAS = ["Overgreb mod børn",
                   "Tidlig kriminalpræventiv indsats i forhold til børn og unge",
                   "Sikker Trafik", "Indsats mod indbrud og hæleri",
                   "Børn og unges adfærd på sociale medier"]


def _counts() -> tuple[int, ...]:
    return (CooperationPlan.objects.count(), FocusArea.objects.count(),
            Activity.objects.count(), Indicator.objects.count(), Forum.objects.count())


def test_the_demo_holds_the_vejen_plan_and_is_idempotent(reference):
    first = demo_plans_build()
    assert first["plans"] == 2
    counts = _counts()
    assert demo_plans_build() == {"plans": 0, "existing": 2, "focus_areas": 0}
    assert _counts() == counts

    vejen = CooperationPlan.objects.get(year=2014, municipality__code="575")
    assert vejen.district.slug == "syd-soenderjylland"
    assert vejen.is_synthetic and vejen.status == PlanStatus.ADOPTED
    assert vejen.designated_by.kind == ForumKind.KREDSRAAD
    areas = list(vejen.focus_areas.order_by("position"))
    assert [a.title for a in areas[:5]] == KREDSRAAD_AREAS
    assert all(a.designated_by.kind == ForumKind.KREDSRAAD for a in areas[:5])
    assert {"Bandeindsatsen", "Ungesamråd", "Konfliktråd, Offerrådgivning"} <= {
        a.title for a in areas[5:]}
    assert all(a.designated_by.kind == ForumKind.LOKALRAAD for a in areas[5:])

    rows = {a.activity: a for a in Activity.objects.filter(focus_area__plan=vejen)}
    assert rows["Nabohjælp"].responsible_forum.kind == ForumKind.LOKALRAAD
    assert rows["Tidlig indsats"].responsible == "Lokalråd og Lokalråd+"
    assert rows["Børnehus Odense og satellit i Esbjerg"].responsible == (
        "Koordinationsgruppe nedsat")
    burglary = Indicator.objects.get(focus_area__plan=vejen,
                                     title="Fald i antallet af anmeldelser om indbrud")
    assert (burglary.mode, burglary.kind, burglary.parameters) == (
        IndicatorMode.MEASURED, "incident_count", {"categories": ["burglary"]})
    # The Vejen fora of appendix 1 exist in Syd- og Sønderjylland.
    vejen_fora = Forum.objects.filter(district__slug="syd-soenderjylland")
    assert {ForumKind.KREDSRAAD, ForumKind.LOKALRAAD, ForumKind.LOKALRAAD_PLUS, ForumKind.PSP,
            ForumKind.KSP, ForumKind.UNGESAMRAAD, ForumKind.EXITRAAD} <= set(
        vejen_fora.values_list("kind", flat=True))
    assert vejen_fora.filter(kind=ForumKind.LOKALRAAD_PLUS, municipality__code="575").exists()

    mvsj = CooperationPlan.objects.get(year=2025, district__slug="midt-vestsjaelland",
                                       municipality=None)
    assert [a.title for a in mvsj.focus_areas.order_by("position")] == [
        "Forebyggelse af misbrug af afhængighedsskabende stoffer",
        "Unges risikoadfærd i det offentlige og digitale rum", "Vold i nære relationer"]
    kinds = set(Indicator.objects.filter(focus_area__plan=mvsj, mode=IndicatorMode.MEASURED)
                .values_list("kind", flat=True))
    assert kinds == {"incident_count", "case_count", "case_share_within_deadline"}
