"""The persons API (/api/v1/persons…): search, read, register, add a relation.

Reads go through persons.selectors (scoped and logged), writes through persons.services.
GET and POST /persons are two operations on one path: each has its own view class, and
PersonCollectionApi only puts them on the same URL.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from samspil.access.policy import access_reason
from samspil.organisations.models import Municipality
from samspil.persons import selectors, services
from samspil.persons.constants import Gender, RecordSource, RelationKind
from samspil.persons.models import Person, Relation


class PersonSerializer(serializers.Serializer):
    """A person as the caller may see them (statistics: the pseudonym only)."""

    id = serializers.IntegerField(source="pk")
    person_key = serializers.CharField()
    name = serializers.CharField()
    cpr = serializers.CharField(help_text="Full, DDMMYY-xxxx or empty, by the caller's role.")
    birth_date = serializers.DateField(allow_null=True)
    age = serializers.IntegerField(allow_null=True)
    is_child = serializers.BooleanField()
    gender = serializers.CharField()
    municipality_code = serializers.CharField()
    address = serializers.CharField()
    postal_code = serializers.CharField()


def _person_get(request: Request, pk: Any, purpose: str) -> Person:
    """The person, or 404 when there is none (a refusal is a 403, logged by the selector)."""
    try:
        return selectors.person_get(user=request.user, pk=pk, purpose=purpose)
    except Person.DoesNotExist:
        raise NotFound from None


def _person_view(request: Request, person: Person, purpose: str) -> selectors.PersonView:
    return selectors.person_view(request.user, person, purpose=purpose)


class PersonSearchApi(APIView):
    class FilterSerializer(serializers.Serializer):
        q = serializers.CharField(max_length=100, help_text="Name words, CPR number or birth date.")
        limit = serializers.IntegerField(min_value=1, max_value=200, default=50)

    class OutputSerializer(serializers.Serializer):
        results = PersonSerializer(many=True)

    @extend_schema(parameters=[FilterSerializer], responses=OutputSerializer,
                   operation_id="persons_search")
    def get(self, request: Request) -> Response:
        filters = PersonSearchApi.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        purpose = selectors.person_purpose(request.user)
        persons = selectors.person_search(user=request.user, query=filters.validated_data["q"],
                                          purpose=purpose, limit=filters.validated_data["limit"])
        data = {"results": [_person_view(request, p, purpose) for p in persons]}
        return Response(PersonSearchApi.OutputSerializer(data).data)


class PersonRegisterApi(APIView):
    class InputSerializer(serializers.Serializer):
        given_name = serializers.CharField(max_length=120, allow_blank=True, default="")
        family_name = serializers.CharField(max_length=120)
        cpr = serializers.CharField(max_length=11, required=False, allow_blank=True)
        birth_date = serializers.DateField(required=False, allow_null=True)
        gender = serializers.ChoiceField(choices=Gender.choices, required=False, allow_blank=True)
        municipality_code = serializers.CharField(max_length=3)
        address = serializers.CharField(max_length=200, required=False, default="",
                                        allow_blank=True)
        postal_code = serializers.CharField(max_length=10, required=False, default="",
                                            allow_blank=True)

    class OutputSerializer(PersonSerializer):
        pass

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer},
                   operation_id="persons_register")
    def post(self, request: Request) -> Response:
        serializer = PersonRegisterApi.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        municipality = Municipality.objects.filter(code=data.pop("municipality_code")).first()
        if municipality is None:
            raise ValidationError({"municipality_code": [_("Unknown municipality code.")]})
        person = services.person_register(
            actor=request.user, municipality=municipality, source=RecordSource.API,
            cpr=data.pop("cpr", None) or None, gender=data.pop("gender", None) or None, **data,
        )
        purpose = selectors.person_purpose(request.user)
        return Response(PersonRegisterApi.OutputSerializer(_person_view(request, person, purpose)).data,
                        status=status.HTTP_201_CREATED)


class PersonCollectionApi(PersonSearchApi, PersonRegisterApi):  # type: ignore[misc]
    """GET = persons_search, POST = persons_register (one path, two operations)."""


class HouseholdMemberSerializer(serializers.Serializer):
    relation_id = serializers.IntegerField(source="relation.pk")
    kind = serializers.CharField(source="relation.kind")
    relation_label = serializers.CharField(source="label",
                                           help_text="What the related person is to this one.")
    person = PersonSerializer(source="view")


class PersonDetailApi(APIView):
    class OutputSerializer(serializers.Serializer):
        person = PersonSerializer()
        access_reason = serializers.CharField()
        merged_into = serializers.IntegerField(allow_null=True)
        household = HouseholdMemberSerializer(many=True)
        relations_hidden = serializers.IntegerField(
            help_text="Related persons the caller has no access to.")

    @extend_schema(responses=OutputSerializer, operation_id="persons_get",
                   parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
    def get(self, request: Request, pk: int) -> Response:
        user = request.user
        purpose = selectors.person_purpose(user)
        person = _person_get(request, pk, purpose)
        identifying = selectors.identifies(purpose)
        house = selectors.household(user=user, person=person, purpose=purpose,
                                    kinds=RelationKind.values) if identifying else None
        data = {
            "person": selectors.person_view(user, person, purpose=purpose),
            "access_reason": access_reason(user, person, purpose=purpose).text,
            "merged_into": person.merged_into_id,
            "household": house.members if house else [],
            "relations_hidden": house.hidden if house else 0,
        }
        return Response(self.OutputSerializer(data).data)


class RelationAddApi(APIView):
    class InputSerializer(serializers.Serializer):
        related_person_id = serializers.IntegerField()
        kind = serializers.ChoiceField(choices=RelationKind.choices)

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        person_id = serializers.IntegerField()
        related_person_id = serializers.IntegerField()
        kind = serializers.CharField()
        warnings = serializers.ListField(child=serializers.CharField())

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer},
                   operation_id="persons_relations_add",
                   parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
    def post(self, request: Request, pk: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = request.user
        purpose = selectors.person_purpose(user)
        person = _person_get(request, pk, purpose)
        related = _person_get(request, serializer.validated_data["related_person_id"], purpose)
        kind = serializer.validated_data["kind"]
        relation: Relation = services.relation_add(actor=user, person=person,
                                                   related_person=related, kind=kind)
        data = {
            "id": relation.pk, "person_id": relation.person_id,
            "related_person_id": relation.related_person_id, "kind": relation.kind,
            "warnings": services.relation_warnings(person=person, related_person=related,
                                                   kind=kind),
        }
        return Response(self.OutputSerializer(data).data, status=status.HTTP_201_CREATED)


urlpatterns: list[URLPattern | URLResolver] = [
    path("persons", PersonCollectionApi.as_view(), name="api-persons"),
    path("persons/<int:pk>", PersonDetailApi.as_view(), name="api-person"),
    path("persons/<int:pk>/relations", RelationAddApi.as_view(), name="api-person-relations"),
]
