from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")
    OTHER = "X", _("X (other)")


class RelationKind(models.TextChoices):
    PARENT_OF = "parent_of", _("parent of")
    CAREGIVER_OF = "caregiver_of", _("caregiver of")
    PARTNER = "partner", _("partner")
    FORMER_PARTNER = "former_partner", _("former partner")
    SIBLING = "sibling", _("sibling")
    COHABITANT = "cohabitant", _("cohabitant")


class RecordSource(models.TextChoices):
    MANUAL = "manual", _("Registered by hand")
    IMPORT = "import", _("Imported")
    API = "api", _("Through the API")
    DEMO = "demo", _("Demo data (fictitious)")


# Relations that make two persons part of the same household on the person page.
HOUSEHOLD_KINDS = frozenset({
    RelationKind.COHABITANT, RelationKind.PARTNER, RelationKind.PARENT_OF,
    RelationKind.CAREGIVER_OF, RelationKind.SIBLING,
})
# Relations that read the same in both directions (A partner B = B partner A).
SYMMETRIC_KINDS = frozenset({
    RelationKind.PARTNER, RelationKind.FORMER_PARTNER, RelationKind.SIBLING,
    RelationKind.COHABITANT,
})
# Relations whose related person is normally a child of the person.
CARE_KINDS = frozenset({RelationKind.PARENT_OF, RelationKind.CAREGIVER_OF})

CHILD_AGE_LIMIT = 18
