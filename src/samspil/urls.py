from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from samspil.web import api as web_api

handler404 = "samspil.web.api.not_found"

urlpatterns = [
    path("", include("samspil.web.urls")),
    path("konto/", include("samspil.accounts.urls")),
    path("revision/", include("samspil.audit.urls")),
    path("personer/", include("samspil.persons.urls")),
    path("haendelser/", include("samspil.incidents.urls")),
    path("sager/", include("samspil.cases.urls")),
    path("bestil-en-betjent/", include("samspil.cases.public.urls")),
    path("import/", include("samspil.interchange.urls")),
    path("socialsoeg/", include("samspil.risk.urls")),
    path("fora/", include("samspil.meetings.urls")),
    path("planer/", include("samspil.plans.urls")),
    path("overvaagning/", include("samspil.monitoring.urls")),
    path("rapporter/", include("samspil.reports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(web_api.urlpatterns)),
    path("admin/", admin.site.urls),
]

if settings.OIDC_ENABLED:
    from mozilla_django_oidc import views as oidc_views

    # The identity provider's round trip happens before sign-in; the second factor follows it.
    oidc_views.OIDCAuthenticationRequestView.samspil_public = True  # type: ignore[attr-defined]
    oidc_views.OIDCAuthenticationCallbackView.samspil_public = True  # type: ignore[attr-defined]
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
