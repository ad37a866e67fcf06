"""Reads for import and export: which organisation owns what a command imports."""

from __future__ import annotations

from django.utils.translation import gettext as _

from samspil.organisations.constants import OrganisationKind
from samspil.organisations.models import District, Organisation


class OrganisationChoiceError(ValueError):
    """No single organisation follows from the options; the message says what to give."""


def importing_organisation(*, organisation_slug: str | None, district_slug: str | None) -> Organisation:
    """The organisation named, else the one police organisation of the district (or of all)."""
    if organisation_slug:
        try:
            return Organisation.objects.get(slug=organisation_slug)
        except Organisation.DoesNotExist:
            raise OrganisationChoiceError(
                _("There is no organisation %(slug)s.") % {"slug": organisation_slug}) from None
    police = Organisation.objects.filter(kind=OrganisationKind.POLICE).order_by("slug")
    if district_slug:
        if not District.objects.filter(slug=district_slug).exists():
            raise OrganisationChoiceError(
                _("There is no police district %(slug)s.") % {"slug": district_slug})
        police = police.filter(district__slug=district_slug)
    candidates = list(police[:10])
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise OrganisationChoiceError(
            _("There is no police organisation to own the imported rows; name one with "
              "--organisation."))
    raise OrganisationChoiceError(
        _("Several organisations could own the imported rows (%(slugs)s); choose one with "
          "--organisation or --district.") % {"slugs": ", ".join(o.slug for o in candidates)})
