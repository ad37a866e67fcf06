"""The reports API: the annual report as JSON (interchange.md) for the caller's own district, and
the records behind a figure (access-controlled, logged, pseudonymised for statistics)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404
from django.urls import URLPattern, URLResolver, path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from samspil.reports import annual, selectors
from samspil.reports.forms import this_year

PAGE_SIZE = 100


class AnnualOfficerRequestsSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    accommodated = serializers.IntegerField()


class AnnualConflictMediationSerializer(serializers.Serializer):
    referred = serializers.IntegerField()
    mediated = serializers.IntegerField()


class AnnualSocialReportsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    from_socialsoeg = serializers.IntegerField()
    socialsoeg_share = serializers.FloatField(allow_null=True)


class AnnualPspSerializer(serializers.Serializer):
    monitored_incidents = serializers.IntegerField()
    monitored_persons = serializers.IntegerField()
    selected_for_discussion = serializers.IntegerField()
    forced_admission_assists = serializers.IntegerField()


class AnnualCrimeClassesSerializer(serializers.Serializer):
    personfarlig = serializers.IntegerField()
    anden_alvorlig = serializers.IntegerField()
    anden = serializers.IntegerField()


class AnnualWithinDeadlineSerializer(serializers.Serializer):
    def get_fields(self) -> dict[str, serializers.Field]:
        # "10_14" is not a Python identifier.
        return {name: serializers.FloatField(allow_null=True)
                for name in ("10_14", "15_17", "opened_in_year")}


class AnnualMunicipalityRowSerializer(serializers.Serializer):
    municipality_code = serializers.CharField()
    own_district = serializers.BooleanField()
    age_group = serializers.ChoiceField(choices=annual.AGE_GROUPS)
    cases = serializers.IntegerField()
    personfarlig = serializers.IntegerField()
    anden_alvorlig = serializers.IntegerField()
    referred = serializers.IntegerField()


class AnnualUknSerializer(serializers.Serializer):
    cases = serializers.IntegerField()
    under_15 = serializers.IntegerField()
    age_15_17 = serializers.IntegerField()
    age_unknown = serializers.IntegerField(help_text="Extra: screenings of unknown age (or 18+)")
    cases_boys = serializers.IntegerField()
    cases_girls = serializers.IntegerField()
    persons_boys = serializers.IntegerField()
    persons_girls = serializers.IntegerField()
    by_crime_class = AnnualCrimeClassesSerializer()
    referred = serializers.IntegerField()
    within_deadline = AnnualWithinDeadlineSerializer()
    by_municipality = AnnualMunicipalityRowSerializer(many=True)


class AnnualReportApi(APIView):
    """The annual report of the caller's own police district (interchange.md)."""

    class InputSerializer(serializers.Serializer):
        district = serializers.SlugField(max_length=60)
        year = serializers.IntegerField(min_value=1900, max_value=9998)

    class OutputSerializer(serializers.Serializer):
        schema = serializers.CharField()
        district = serializers.CharField()
        year = serializers.IntegerField()
        victim_followups = serializers.IntegerField()
        victim_support_referrals = serializers.IntegerField()
        officer_requests = AnnualOfficerRequestsSerializer()
        restraining_order_requests = serializers.IntegerField()
        area_bans = serializers.IntegerField()
        conflict_mediation = AnnualConflictMediationSerializer()
        social_reports = AnnualSocialReportsSerializer()
        psp = AnnualPspSerializer()
        ukn_screening = AnnualUknSerializer()

    @extend_schema(operation_id="reports_annual", parameters=[InputSerializer],
                   responses={200: OutputSerializer})
    def get(self, request: Request) -> Response:
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        district = selectors.district_for(request.user, params.validated_data["district"])
        # The report as the command prints it; no serializer pass, so nothing is reformatted.
        return Response(annual.annual_report(district, params.validated_data["year"]))


class FigureRecordsApi(APIView):
    """The cases or incidents behind one figure that the caller may read."""

    class InputSerializer(serializers.Serializer):
        figure = serializers.CharField(max_length=120)
        district = serializers.SlugField(max_length=60, required=False,
                                         help_text="Your own district (the default)")
        municipality = serializers.CharField(max_length=3, required=False, allow_blank=True)
        date_from = serializers.DateField(required=False)
        date_to = serializers.DateField(required=False)
        page = serializers.IntegerField(min_value=1, required=False, default=1)

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            start, end = this_year()
            attrs.setdefault("date_from", start)
            attrs.setdefault("date_to", end)
            if attrs["date_from"] > attrs["date_to"]:
                raise serializers.ValidationError({"date_to": "before date_from"})
            return attrs

    class OutputSerializer(serializers.Serializer):
        class RowSerializer(serializers.Serializer):
            kind = serializers.CharField()
            reference = serializers.CharField()
            what = serializers.CharField()
            municipality = serializers.CharField()
            opened = serializers.DateField(allow_null=True)
            closed = serializers.DateField(allow_null=True)
            outcome = serializers.CharField()
            person = serializers.CharField(help_text="Name, pseudonym (statistics) or empty")

        figure = serializers.CharField()
        kind = serializers.CharField()
        total = serializers.IntegerField(help_text="Records the figure counts, all of them")
        visible = serializers.IntegerField(help_text="Of those, the records the caller may read")
        purpose = serializers.CharField()
        page = serializers.IntegerField()
        pages = serializers.IntegerField()
        results = RowSerializer(many=True)

    @extend_schema(operation_id="reports_figure_records", parameters=[InputSerializer],
                   responses={200: OutputSerializer})
    def get(self, request: Request) -> Response:
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        district = selectors.district_for(request.user, data.get("district") or None)
        municipality = None
        if data.get("municipality"):
            municipality = selectors.municipality_in(district, data["municipality"])
            if municipality is None:
                raise Http404
        scope = annual.district_scope(district, data["date_from"], data["date_to"], municipality)
        found = selectors.figure_records(user=request.user, key=data["figure"], scope=scope)
        if found is None:
            raise Http404
        paginator = Paginator(found.visible, PAGE_SIZE)
        page = paginator.get_page(data["page"])
        rows = selectors.rows_for_display(user=request.user, records=found, page=list(page),
                                          key=data["figure"])
        return Response(self.OutputSerializer({
            "figure": data["figure"], "kind": found.kind, "total": found.total,
            "visible": paginator.count, "purpose": found.purpose, "page": page.number,
            "pages": paginator.num_pages, "results": [row.__dict__ for row in rows],
        }).data)


urlpatterns: list[URLPattern | URLResolver] = [
    path("reports/annual", AnnualReportApi.as_view(), name="api-reports-annual"),
    path("reports/records", FigureRecordsApi.as_view(), name="api-reports-records"),
]
