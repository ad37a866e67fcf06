"""The incidents API. `incidents` and `incident-categories` each take GET and POST on one path, so
each of those views holds two operations, each with its own serializers and operation id."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from samspil.access.constants import Purpose
from samspil.incidents import selectors, services
from samspil.incidents.constants import CrimeClass, InvolvementRole
from samspil.incidents.models import Incident
from samspil.persons.constants import RecordSource
from samspil.persons.models import Person

API_LIMIT = 500


@extend_schema_serializer(component_name="Incident")
class IncidentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    journal_no = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    occurred_on = serializers.DateField()
    reported_at = serializers.DateTimeField()
    category = serializers.CharField(source="category.code")
    municipality_code = serializers.CharField(source="municipality.code")
    lat = serializers.FloatField(allow_null=True)
    lon = serializers.FloatField(allow_null=True)
    narrative = serializers.CharField()
    owner_organisation = serializers.CharField(source="owner_organisation.slug")
    source = serializers.CharField()  # type: ignore[assignment]
    is_synthetic = serializers.BooleanField()


@extend_schema_serializer(component_name="IncidentCategory")
class CategoryOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    label_da = serializers.CharField()
    label_en = serializers.CharField()
    crime_class = serializers.CharField()
    risk_weight = serializers.IntegerField()
    psp = serializers.BooleanField()
    is_active = serializers.BooleanField()


@extend_schema_serializer(component_name="InvolvementInput")
class InvolvementInputSerializer(serializers.Serializer):
    person = serializers.CharField(max_length=64, help_text="Person id or person key")
    role = serializers.ChoiceField(choices=InvolvementRole.choices)


def _person(user: Any, reference: str) -> Person:
    try:
        return selectors.person_for_involvement(user=user, reference=reference,
                                                purpose=Purpose.REGISTRATION)
    except Person.DoesNotExist:
        raise DjangoValidationError(
            {"involvements": [_("No person has the id or person key %(reference)s.")
                              % {"reference": reference}]}
        ) from None


class IncidentCollectionApi(APIView):
    """Search incidents (GET) and register one with its involvements (POST)."""

    class FilterSerializer(serializers.Serializer):
        journal_no = serializers.CharField(required=False, allow_blank=True, max_length=40)
        category = serializers.SlugField(required=False, allow_blank=True, max_length=40)
        municipality = serializers.CharField(required=False, allow_blank=True, max_length=3)
        # `from` is a Python keyword, so the field is renamed in validate().
        from_ = serializers.DateField(required=False)
        to = serializers.DateField(required=False)
        text = serializers.CharField(required=False, allow_blank=True, max_length=200)

        def get_fields(self) -> dict[str, Any]:
            fields = super().get_fields()
            fields["from"] = fields.pop("from_")
            return fields

    @extend_schema_serializer(component_name="IncidentCreateInput")
    class InputSerializer(serializers.Serializer):
        journal_no = serializers.CharField(max_length=40)
        occurred_at = serializers.DateTimeField()
        reported_at = serializers.DateTimeField(required=False, allow_null=True)
        category = serializers.SlugField(max_length=40)
        municipality_code = serializers.CharField(max_length=3)
        lat = serializers.FloatField(required=False, allow_null=True)
        lon = serializers.FloatField(required=False, allow_null=True)
        narrative = serializers.CharField(required=False, allow_blank=True, default="")
        involvements = serializers.ListField(child=InvolvementInputSerializer(), required=False,
                                             default=list, max_length=50)

    OutputSerializer = IncidentOutputSerializer

    @extend_schema(parameters=[FilterSerializer], responses=OutputSerializer(many=True),
                   operation_id="incidents_list")
    def get(self, request: Request) -> Response:
        purpose = selectors.read_purpose(request.user)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        category = None
        if data.get("category"):
            category = selectors.category_by_code(code=data["category"])
            if category is None:
                raise serializers.ValidationError({"category": _("Unknown category.")})
        municipality = None
        if data.get("municipality"):
            municipality = selectors.municipality_by_code(code=data["municipality"])
            if municipality is None:
                raise serializers.ValidationError({"municipality": _("Unknown municipality.")})
        incidents = selectors.incident_search(
            user=request.user, journal_no=data.get("journal_no", ""), category=category,
            municipality=municipality, date_from=data.get("from"), date_to=data.get("to"),
            text=data.get("text", ""), purpose=purpose, limit=API_LIMIT,
        )
        return Response(self.OutputSerializer(incidents, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer},
                   operation_id="incidents_create")
    def post(self, request: Request) -> Response:
        selectors.require_registration(request.user)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        involvements = [(_person(request.user, row["person"]), row["role"])
                        for row in data.pop("involvements")]
        incident = services.incident_register(
            actor=request.user, municipality=data.pop("municipality_code"),
            involvements=involvements, source=RecordSource.API, **data,
        )
        return Response(self.OutputSerializer(incident).data, status=status.HTTP_201_CREATED)


class IncidentDetailApi(APIView):
    @extend_schema_serializer(component_name="IncidentDetail")
    class OutputSerializer(IncidentOutputSerializer):
        @extend_schema_serializer(component_name="IncidentInvolvement")
        class InvolvementSerializer(serializers.Serializer):
            person = serializers.IntegerField(allow_null=True,
                                              help_text="null when the person is not shared "
                                                        "with the caller's organisation")
            person_key = serializers.CharField(allow_null=True)
            role = serializers.CharField()

        involvements = InvolvementSerializer(many=True, source="involvement_rows")

    @extend_schema(responses=OutputSerializer, operation_id="incidents_retrieve")
    def get(self, request: Request, pk: int) -> Response:
        purpose = selectors.read_purpose(request.user)
        try:
            incident = selectors.incident_get(user=request.user, pk=pk, purpose=purpose)
        except Incident.DoesNotExist:
            raise Http404 from None
        rows = selectors.involvements_for_display(user=request.user, incident=incident,
                                                  purpose=purpose)
        incident.involvement_rows = [  # type: ignore[attr-defined]
            {"person": row.person.pk if row.person else None,
             "person_key": row.person.person_key if row.person else None,
             "role": row.involvement.role}
            for row in rows
        ]
        return Response(self.OutputSerializer(incident).data)


class CategoryCollectionApi(APIView):
    """The incident taxonomy: anyone signed in reads it (GET); administrators extend it (POST)."""

    @extend_schema_serializer(component_name="IncidentCategoryCreateInput")
    class InputSerializer(serializers.Serializer):
        code = serializers.SlugField(max_length=40)
        label_da = serializers.CharField(max_length=120)
        label_en = serializers.CharField(max_length=120, required=False, allow_blank=True,
                                         default="")
        crime_class = serializers.ChoiceField(choices=CrimeClass.choices)
        risk_weight = serializers.IntegerField(min_value=0, max_value=10)
        psp = serializers.BooleanField(required=False, default=False)

    OutputSerializer = CategoryOutputSerializer

    @extend_schema(responses=OutputSerializer(many=True), operation_id="incident_categories_list")
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(selectors.categories_all(), many=True).data)

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer},
                   operation_id="incident_categories_create")
    def post(self, request: Request) -> Response:
        selectors.require_category_admin(request.user)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        category = services.category_create(actor=request.user, **serializer.validated_data)
        return Response(self.OutputSerializer(category).data, status=status.HTTP_201_CREATED)


urlpatterns: list[URLPattern | URLResolver] = [
    path("incidents", IncidentCollectionApi.as_view(), name="api-incidents"),
    path("incidents/<int:pk>", IncidentDetailApi.as_view(), name="api-incident"),
    path("incident-categories", CategoryCollectionApi.as_view(), name="api-incident-categories"),
]
