"""The case API: one view per operation, nested serializers. Refusals are 403 (the wrong role or
organisation, an outsider), a step the input does not satisfy is 400 with the engine's message."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import URLPattern, URLResolver, path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from samspil.access.constants import Purpose
from samspil.access.policy import read_one
from samspil.accounts.models import User
from samspil.accounts.request import request_user
from samspil.cases import selectors, services
from samspil.cases.constants import MAX_BULK_ASSIGN, MAX_PAGE_SIZE, QUEUES
from samspil.cases.fields import fields_for_step
from samspil.cases.models import Case
from samspil.cases.types.api import urlpatterns as type_urlpatterns
from samspil.cases.workflows import CASE_TYPES
from samspil.organisations.models import Municipality


def _case(user: Any, pk: int) -> Case:
    selectors.require_case_reader(user)
    try:
        return selectors.case_get(user=user, pk=pk, purpose=Purpose.CASEWORK)
    except Case.DoesNotExist:
        raise Http404 from None


def _municipality(code: str) -> Municipality:
    municipality = Municipality.objects.filter(code=code).first()
    if municipality is None:
        raise serializers.ValidationError({"municipality_code": ["Unknown municipality code."]})
    return municipality


def _assignee(user: Any, username: str | None) -> User | None:
    if not username:
        return None
    assignee = selectors.assignable_users(user=user).filter(username=username).first()
    if assignee is None:
        raise serializers.ValidationError(
            {"assigned_to": ["Not an active user of your organisation who works on cases."]}
        )
    return assignee


class DeadlineSerializer(serializers.Serializer):
    due_date = serializers.DateField(allow_null=True)
    days_left = serializers.IntegerField(allow_null=True)
    status = serializers.CharField()
    threshold = serializers.IntegerField(allow_null=True)


class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    person_key = serializers.CharField()
    name = serializers.CharField(source="full_name")


class CaseSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="case.pk")
    case_ref = serializers.CharField(source="case.case_ref")
    case_type = serializers.CharField(source="case.case_type")
    state = serializers.CharField(source="case.state")
    municipality_code = serializers.CharField(source="case.municipality.code")
    person = PersonRefSerializer(allow_null=True)
    assigned_to = serializers.CharField(source="case.assigned_to.username", allow_null=True,
                                        default=None)
    opened_at = serializers.DateTimeField(source="case.opened_at")
    deadline = DeadlineSerializer()


class CaseListApi(APIView):
    """One page of a case queue: open cases the caller may read, soonest deadline first."""

    class FilterSerializer(serializers.Serializer):
        queue = serializers.ChoiceField(choices=QUEUES, default="all")
        case_type = serializers.ChoiceField(choices=sorted(CASE_TYPES), required=False)
        state = serializers.CharField(required=False, max_length=30)
        municipality_code = serializers.CharField(required=False, max_length=3)
        order = serializers.ChoiceField(choices=selectors.ORDERS, default="days_left")
        page = serializers.IntegerField(min_value=1, max_value=10_000, default=1)
        page_size = serializers.IntegerField(min_value=1, max_value=MAX_PAGE_SIZE, default=25)

    class OutputSerializer(serializers.Serializer):
        page = serializers.IntegerField(source="number")
        page_size = serializers.IntegerField()
        has_next = serializers.BooleanField()
        results = CaseSummarySerializer(many=True, source="rows")

    @extend_schema(parameters=[FilterSerializer], responses=OutputSerializer,
                   operation_id="cases_queue")
    def get(self, request: Request) -> Response:
        user = request_user(request)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = dict(filters.validated_data)
        code = data.pop("municipality_code", None)
        municipality = _municipality(code) if code else None
        page = selectors.case_queue(user=user, municipality=municipality, **data)
        return Response(self.OutputSerializer(page).data)


class StepSerializer(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    to_state = serializers.CharField()
    fields = serializers.ListField(child=serializers.CharField())  # type: ignore[assignment]
    outcomes = serializers.ListField(child=serializers.CharField())


class CaseDetailOutputSerializer(serializers.Serializer):
    class IncidentRefSerializer(serializers.Serializer):
        id = serializers.IntegerField(source="pk")
        journal_no = serializers.CharField()

    class HistorySerializer(serializers.Serializer):
        at = serializers.DateTimeField()
        action = serializers.CharField()
        from_state = serializers.CharField()
        to_state = serializers.CharField()
        outcome = serializers.CharField()
        actor = serializers.CharField(source="actor_name")
        note = serializers.CharField()

    id = serializers.IntegerField(source="case.pk")
    case_ref = serializers.CharField(source="case.case_ref")
    case_type = serializers.CharField(source="case.case_type")
    state = serializers.CharField(source="case.state")
    outcome = serializers.CharField(source="case.outcome")
    origin = serializers.CharField(source="case.origin")
    crime_class = serializers.CharField(source="case.crime_class")
    municipality_code = serializers.CharField(source="case.municipality.code")
    owner_organisation = serializers.CharField(source="case.owner_organisation.slug")
    opened_at = serializers.DateTimeField(source="case.opened_at")
    closed_at = serializers.DateTimeField(source="case.closed_at", allow_null=True)
    extension_days = serializers.IntegerField(source="case.extension_days")
    assigned_to = serializers.CharField(source="case.assigned_to.username", allow_null=True,
                                        default=None)
    title = serializers.CharField(source="case.title")
    summary = serializers.CharField(source="case.summary")
    fields = serializers.DictField(source="case.fields")  # type: ignore[assignment]
    person = PersonRefSerializer(allow_null=True)
    incident = IncidentRefSerializer(source="case.incident", allow_null=True)
    deadline = DeadlineSerializer()
    allowed_actions = StepSerializer(many=True)
    history = HistorySerializer(many=True)


def _detail(user: Any, case: Case) -> dict[str, Any]:
    steps = [
        {
            "action": t.action,
            "label": str(t.label),
            "to_state": t.to_state,
            "fields": list(fields_for_step(t)),
            "outcomes": list(t.outcomes),
        }
        for t in selectors.case_actions_for(user=user, case=case)
    ]
    return {
        "case": case,
        "person": selectors.person_visible(user=user, case=case),
        "deadline": selectors.deadline_of(case),
        "allowed_actions": steps,
        "history": selectors.case_history(case=case),
    }


class CaseDetailApi(APIView):
    @extend_schema(responses=CaseDetailOutputSerializer, operation_id="cases_detail")
    def get(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        case = _case(user, pk)
        return Response(CaseDetailOutputSerializer(_detail(user, case)).data)


class CaseOpenApi(APIView):
    class InputSerializer(serializers.Serializer):
        case_type = serializers.ChoiceField(choices=sorted(CASE_TYPES))
        municipality_code = serializers.CharField(max_length=3)
        person_key = serializers.CharField(required=False, allow_blank=True, max_length=64)
        journal_no = serializers.CharField(required=False, allow_blank=True, max_length=40)
        origin = serializers.CharField(required=False, allow_blank=True, max_length=40)
        crime_class = serializers.CharField(required=False, allow_blank=True, max_length=20)
        title = serializers.CharField(required=False, allow_blank=True, max_length=200)
        summary = serializers.CharField(required=False, allow_blank=True)
        note = serializers.CharField(required=False, allow_blank=True, max_length=4000)
        fields = serializers.DictField(required=False, default=dict)  # type: ignore[assignment]

    @extend_schema(request=InputSerializer, responses={201: CaseDetailOutputSerializer},
                   operation_id="cases_open")
    def post(self, request: Request) -> Response:
        from samspil.incidents.models import Incident
        from samspil.persons.models import Person

        user = request_user(request)
        selectors.require_case_reader(user)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        person = None
        if values.get("person_key"):
            pk = Person.objects.filter(person_key=values["person_key"]).values_list(
                "pk", flat=True
            ).first()
            if pk is None:
                raise serializers.ValidationError({"person_key": ["Unknown person key."]})
            person = read_one(user, Person.objects.all(), pk=pk, purpose=Purpose.CASEWORK)
        incident = None
        if values.get("journal_no"):
            pk = Incident.objects.filter(journal_no=values["journal_no"]).values_list(
                "pk", flat=True
            ).first()
            if pk is None:
                raise serializers.ValidationError({"journal_no": ["Unknown journal number."]})
            incident = read_one(user, Incident.objects.all(), pk=pk, purpose=Purpose.CASEWORK)
        case = services.case_open(
            actor=user,
            case_type=values["case_type"],
            municipality=_municipality(values["municipality_code"]),
            person=person,
            incident=incident,
            fields=values.get("fields") or {},
            origin=values.get("origin", ""),
            crime_class=values.get("crime_class", ""),
            title=values.get("title", ""),
            summary=values.get("summary", ""),
            note=values.get("note", ""),
            source="api",
        )
        case = _case(user, case.pk)
        return Response(CaseDetailOutputSerializer(_detail(user, case)).data,
                        status=status.HTTP_201_CREATED)


class CaseTransitionApi(APIView):
    class InputSerializer(serializers.Serializer):
        action = serializers.CharField(max_length=40)
        outcome = serializers.CharField(required=False, allow_blank=True, allow_null=True,
                                        max_length=40)
        fields = serializers.DictField(required=False, default=dict)  # type: ignore[assignment]
        note = serializers.CharField(required=False, allow_blank=True, max_length=4000)

    @extend_schema(request=InputSerializer, responses=CaseDetailOutputSerializer,
                   operation_id="cases_transition")
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        case = _case(user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        services.case_transition(
            actor=user, case=case, action=values["action"],
            outcome=values.get("outcome") or None, fields=values.get("fields") or {},
            note=values.get("note", ""),
        )
        case = _case(user, pk)
        return Response(CaseDetailOutputSerializer(_detail(user, case)).data)


class CaseAssignApi(APIView):
    class InputSerializer(serializers.Serializer):
        assigned_to = serializers.CharField(allow_null=True, allow_blank=True, max_length=150)

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField(source="pk")
        assigned_to = serializers.CharField(source="assigned_to.username", allow_null=True,
                                            default=None)

    @extend_schema(request=InputSerializer, responses=OutputSerializer,
                   operation_id="cases_assign")
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        case = _case(user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = services.case_assign(
            actor=user, case=case, assignee=_assignee(user, data.validated_data["assigned_to"])
        )
        return Response(self.OutputSerializer(case).data)


class CaseBulkAssignApi(APIView):
    class InputSerializer(serializers.Serializer):
        case_ids = serializers.ListField(child=serializers.IntegerField(min_value=1),
                                         min_length=1, max_length=MAX_BULK_ASSIGN)
        assigned_to = serializers.CharField(allow_null=True, allow_blank=True, max_length=150)

    class OutputSerializer(serializers.Serializer):
        assigned = serializers.IntegerField()

    @extend_schema(request=InputSerializer, responses=OutputSerializer,
                   operation_id="cases_bulk_assign")
    def post(self, request: Request) -> Response:
        user = request_user(request)
        selectors.require_case_reader(user)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        count = services.cases_bulk_assign(
            actor=user, case_ids=data.validated_data["case_ids"],
            assignee=_assignee(user, data.validated_data["assigned_to"]),
        )
        return Response(self.OutputSerializer({"assigned": count}).data)


class NoteOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    text = serializers.CharField()
    author = serializers.CharField(source="author.username", allow_null=True, default=None)
    created_at = serializers.DateTimeField()


class CaseNoteListApi(APIView):
    @extend_schema(responses=NoteOutputSerializer(many=True), operation_id="cases_notes_list")
    def get(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        case = _case(user, pk)
        return Response(NoteOutputSerializer(selectors.case_notes(case=case), many=True).data)


class CaseNoteCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        text = serializers.CharField(max_length=10_000)

    @extend_schema(request=InputSerializer, responses={201: NoteOutputSerializer},
                   operation_id="cases_notes_create")
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        case = _case(user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = services.case_note_add(actor=user, case=case, text=data.validated_data["text"])
        return Response(NoteOutputSerializer(note).data, status=status.HTTP_201_CREATED)


urlpatterns: list[URLPattern | URLResolver] = [
    path("cases", CaseListApi.as_view(), name="api-cases"),
    path("cases/open", CaseOpenApi.as_view(), name="api-cases-open"),
    path("cases/bulk-assign", CaseBulkAssignApi.as_view(), name="api-cases-bulk-assign"),
    path("cases/<int:pk>", CaseDetailApi.as_view(), name="api-case"),
    path("cases/<int:pk>/transition", CaseTransitionApi.as_view(), name="api-case-transition"),
    path("cases/<int:pk>/assign", CaseAssignApi.as_view(), name="api-case-assign"),
    path("cases/<int:pk>/notes", CaseNoteListApi.as_view(), name="api-case-notes"),
    path("cases/<int:pk>/notes/create", CaseNoteCreateApi.as_view(),
         name="api-case-notes-create"),
]

# The case types' own operations (cases.types.api).
urlpatterns += type_urlpatterns
