"""The fora API (/api/v1/fora, meetings, actions, concerns, disclosures, psp): one view per
operation. Reads go through meetings.selectors, writes through meetings.services.

The de-identified concern endpoint serializes a DeidentifiedSituation only (no person, no
narrative); the identified view is not offered through the API — the agencies that know the
person read it through the persons API, which checks the disclosure.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from samspil.access.constants import LegalBasis
from samspil.meetings import selectors, services
from samspil.meetings.constants import MeetingStatus, RiskFactor
from samspil.meetings.models import Concern, Forum, Meeting
from samspil.organisations.models import Municipality, Organisation
from samspil.persons.models import Person

T = TypeVar("T")


def _found(read: Callable[[], T]) -> T:
    """A missing record is 404; a refusal (AccessDenied) stays 403 through the error handler."""
    try:
        return read()
    except ObjectDoesNotExist:
        raise NotFound from None


def _organisation(pk: int, field: str) -> Organisation:
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None:
        raise ValidationError({field: [_("Unknown organisation.")]})
    return organisation


# --- Serializers -------------------------------------------------------------------------------

class ForumSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField()
    name = serializers.CharField()
    municipality_code = serializers.CharField(source="municipality.code", allow_null=True,
                                              default=None)
    sector = serializers.CharField()
    legal_basis = serializers.CharField()
    disclosure_basis = serializers.CharField()
    meetings_min = serializers.IntegerField()
    meetings_max = serializers.IntegerField(allow_null=True)
    disclosure_expiry_days = serializers.IntegerField()


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="display_name")
    organisation_id = serializers.IntegerField()
    organisation = serializers.CharField(source="organisation.name")
    title = serializers.CharField()
    role = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()
    user_id = serializers.IntegerField(allow_null=True)


class MeetingSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    forum_id = serializers.IntegerField()
    forum = serializers.CharField(source="forum.name")
    starts_at = serializers.DateTimeField()
    place = serializers.CharField()
    status = serializers.CharField()


class SituationSerializer(serializers.Serializer):
    """The de-identified situation: age band, home municipality, risk factors, the text."""

    concern_id = serializers.IntegerField()
    reference = serializers.CharField()
    forum_id = serializers.IntegerField()
    forum_name = serializers.CharField()
    home_organisation = serializers.CharField()
    raised_on = serializers.DateField()
    age_band = serializers.CharField()
    age_band_label = serializers.CharField()
    municipality = serializers.CharField()
    risk_factors = serializers.ListField(child=serializers.CharField())
    risk_factor_labels = serializers.ListField(child=serializers.CharField())
    situation = serializers.CharField()
    status = serializers.CharField()
    decided_on = serializers.DateField(allow_null=True)
    decision_reason = serializers.CharField()


class ActionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="action.pk")
    forum_id = serializers.IntegerField(source="action.forum_id")
    meeting_id = serializers.IntegerField(source="action.meeting_id", allow_null=True)
    concern_reference = serializers.CharField()
    title = serializers.CharField()
    owner_organisation_id = serializers.IntegerField(source="action.owner_organisation_id",
                                                     allow_null=True)
    owner_user_id = serializers.IntegerField(source="action.owner_user_id", allow_null=True)
    due_date = serializers.DateField(source="action.due_date")
    status = serializers.CharField(source="action.status")
    overdue = serializers.BooleanField()


class AgendaItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="item.pk")
    position = serializers.IntegerField(source="item.position")
    kind = serializers.CharField(source="item.kind")
    topic = serializers.CharField(source="item.topic")
    case_ref = serializers.CharField(source="item.case.case_ref", allow_null=True, default=None)
    situation = SituationSerializer(allow_null=True)
    minutes = serializers.CharField(source="item.minutes")
    decision = serializers.CharField(source="item.decision")
    actions = ActionSerializer(many=True)


class LedgerRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="disclosure.pk")
    subject_type = serializers.CharField(source="disclosure.subject_type")
    subject_id = serializers.IntegerField(source="disclosure.subject_id")
    from_organisation = serializers.CharField(source="disclosure.from_organisation.name")
    to_organisation = serializers.CharField(source="disclosure.to_organisation.name")
    to_organisation_id = serializers.IntegerField(source="disclosure.to_organisation_id")
    legal_basis = serializers.CharField(source="disclosure.legal_basis")
    legal_basis_label = serializers.CharField()
    purpose = serializers.CharField(source="disclosure.purpose")
    shared = serializers.CharField(source="disclosure.shared")
    disclosed_by = serializers.CharField(source="disclosure.disclosed_by.username")
    disclosed_at = serializers.DateTimeField(source="disclosure.disclosed_at")
    expires_at = serializers.DateTimeField(source="disclosure.expires_at", allow_null=True)
    active = serializers.BooleanField()
    forum = serializers.CharField(source="forum_name")


# --- Fora --------------------------------------------------------------------------------------

class ForumListApi(APIView):
    class OutputSerializer(serializers.Serializer):
        results = ForumSerializer(many=True)

    @extend_schema(responses=OutputSerializer, operation_id="fora_list")
    def get(self, request: Request) -> Response:
        fora = selectors.fora_visible(user=request.user).filter(is_active=True).order_by(
            "kind", "name")
        return Response(self.OutputSerializer({"results": fora}).data)


class ForumDetailApi(APIView):
    class OutputSerializer(serializers.Serializer):
        forum = ForumSerializer()
        purpose = serializers.CharField()
        plans = serializers.CharField()
        interfaces = serializers.CharField()
        participants = serializers.CharField()
        members = MemberSerializer(many=True)

    @extend_schema(responses=OutputSerializer, operation_id="fora_get",
                   parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
    def get(self, request: Request, pk: int) -> Response:
        forum = _found(lambda: selectors.forum_get(user=request.user, pk=pk))
        data = {"forum": forum, "purpose": forum.purpose, "plans": forum.plans,
                "interfaces": forum.interfaces, "participants": forum.participants,
                "members": forum.members.current().select_related("user", "organisation")}
        return Response(self.OutputSerializer(data).data)


class ForumComplianceApi(APIView):
    class FilterSerializer(serializers.Serializer):
        year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)

    class OutputSerializer(serializers.Serializer):
        forum_id = serializers.IntegerField(source="forum.pk")
        forum = serializers.CharField(source="forum.name")
        year = serializers.IntegerField()
        held = serializers.IntegerField()
        planned = serializers.IntegerField()
        cancelled = serializers.IntegerField()
        minimum = serializers.IntegerField()
        maximum = serializers.IntegerField(allow_null=True)
        colour = serializers.CharField()

    @extend_schema(parameters=[FilterSerializer], responses=OutputSerializer(many=True),
                   operation_id="fora_compliance")
    def get(self, request: Request) -> Response:
        from django.utils import timezone

        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        year = filters.validated_data.get("year") or timezone.localdate().year
        rows = selectors.forum_compliance(user=request.user, year=year)
        return Response(self.OutputSerializer(rows, many=True).data)


# --- Meetings ----------------------------------------------------------------------------------

class MeetingListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        forum = serializers.IntegerField(required=False)
        when = serializers.ChoiceField(choices=["upcoming", "past"], default="upcoming")

    @extend_schema(parameters=[FilterSerializer], responses=MeetingSerializer(many=True),
                   operation_id="meetings_list")
    def get(self, request: Request) -> Response:
        filters = MeetingListApi.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        forum = None
        if "forum" in filters.validated_data:
            forum = _found(lambda: selectors.forum_get(user=request.user,
                                                       pk=filters.validated_data["forum"]))
            selectors.require_taking_part(request.user, forum)
        meetings = selectors.meeting_list(user=request.user, forum=forum,
                                          when=filters.validated_data["when"])[:200]
        return Response(MeetingSerializer(meetings, many=True).data)


class MeetingCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        forum_id = serializers.IntegerField()
        starts_at = serializers.DateTimeField()
        place = serializers.CharField(max_length=200, required=False, default="",
                                      allow_blank=True)

    @extend_schema(request=InputSerializer, responses={201: MeetingSerializer},
                   operation_id="meetings_create")
    def post(self, request: Request) -> Response:
        serializer = MeetingCreateApi.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        forum = _found(lambda: selectors.forum_get(user=request.user, pk=data["forum_id"]))
        meeting = services.meeting_create(actor=request.user, forum=forum,
                                          starts_at=data["starts_at"], place=data["place"])
        return Response(MeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)


class MeetingCollectionApi(MeetingListApi, MeetingCreateApi):
    """GET = meetings_list, POST = meetings_create (one path, two operations)."""


class MeetingAgendaApi(APIView):
    class OutputSerializer(serializers.Serializer):
        meeting = MeetingSerializer()
        items = AgendaItemSerializer(many=True, source="entries")
        carried_actions = ActionSerializer(many=True, source="carried")

    @extend_schema(responses=OutputSerializer, operation_id="meetings_agenda",
                   parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
    def get(self, request: Request, pk: int) -> Response:
        meeting = _found(lambda: selectors.meeting_get(user=request.user, pk=pk))
        agenda = selectors.agenda_for(user=request.user, meeting=meeting)
        return Response(self.OutputSerializer(agenda).data)


class AgendaItemCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        topic = serializers.CharField(max_length=300, required=False, default="")
        concern_id = serializers.IntegerField(required=False)

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField(source="pk")
        position = serializers.IntegerField()
        kind = serializers.CharField()
        topic = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer},
                   operation_id="meetings_agenda_add",
                   parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
    def post(self, request: Request, pk: int) -> Response:
        serializer = AgendaItemCreateApi.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        meeting = _found(lambda: selectors.meeting_get(user=request.user, pk=pk))
        concern = None
        if "concern_id" in serializer.validated_data:
            concern = _found(lambda: selectors.concern_get(
                user=request.user, pk=serializer.validated_data["concern_id"]))
        item = services.agenda_item_add(actor=request.user, meeting=meeting,
                                        topic=serializer.validated_data["topic"],
                                        concern=concern)
        return Response(AgendaItemCreateApi.OutputSerializer(item).data,
                        status=status.HTTP_201_CREATED)


class MeetingAgendaCollectionApi(MeetingAgendaApi, AgendaItemCreateApi):  # type: ignore[misc]
    """GET = meetings_agenda, POST = meetings_agenda_add."""


class MeetingStatusApi(APIView):
    class InputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=MeetingStatus.choices)

    @extend_schema(request=InputSerializer, responses=MeetingSerializer,
                   operation_id="meetings_set_status",
                   parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
    def post(self, request: Request, pk: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        meeting: Meeting = _found(lambda: selectors.meeting_get(user=request.user, pk=pk))
        meeting = services.meeting_set_status(actor=request.user, meeting=meeting,
                                              status=serializer.validated_data["status"])
        return Response(MeetingSerializer(meeting).data)


# --- Actions -----------------------------------------------------------------------------------

class ActionListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        forum = serializers.IntegerField(required=False)
        status = serializers.ChoiceField(choices=["open", "done"], required=False)

    @extend_schema(parameters=[FilterSerializer], responses=ActionSerializer(many=True),
                   operation_id="actions_list")
    def get(self, request: Request) -> Response:
        filters = ActionListApi.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        forum = None
        if "forum" in filters.validated_data:
            forum = _found(lambda: selectors.forum_get(user=request.user,
                                                       pk=filters.validated_data["forum"]))
            selectors.require_taking_part(request.user, forum)
        views = selectors.actions_list(user=request.user, forum=forum,
                                       status=filters.validated_data.get("status", ""))
        return Response(ActionSerializer(views, many=True).data)


class ActionCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        meeting_id = serializers.IntegerField(required=False)
        concern_id = serializers.IntegerField(required=False)
        forum_id = serializers.IntegerField(required=False)
        title = serializers.CharField(max_length=300)
        owner_organisation_id = serializers.IntegerField()
        due_date = serializers.DateField()

    @extend_schema(request=InputSerializer, responses={201: ActionSerializer},
                   operation_id="actions_create")
    def post(self, request: Request) -> Response:
        serializer = ActionCreateApi.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = request.user
        meeting = concern = None
        if "concern_id" in data:
            concern = _found(lambda: Concern.objects.select_related("forum").get(
                pk=data["concern_id"]))
            forum: Forum = concern.forum
        elif "meeting_id" in data:
            meeting = _found(lambda: selectors.meeting_get(user=user, pk=data["meeting_id"]))
            forum = meeting.forum
        elif "forum_id" in data:
            forum = _found(lambda: selectors.forum_get(user=user, pk=data["forum_id"]))
        else:
            raise ValidationError({"forum_id": [_("Give the forum, meeting or concern.")]})
        action = services.action_create(
            actor=user, forum=forum, meeting=meeting, concern=concern, title=data["title"],
            owner_organisation=_organisation(data["owner_organisation_id"],
                                             "owner_organisation_id"),
            due_date=data["due_date"])
        view = selectors.action_views(user=user, actions=[action])[0]
        return Response(ActionSerializer(view).data, status=status.HTTP_201_CREATED)


class ActionCollectionApi(ActionListApi, ActionCreateApi):
    """GET = actions_list, POST = actions_create."""


class ActionCompleteApi(APIView):
    class InputSerializer(serializers.Serializer):
        done = serializers.BooleanField(default=True)

    @extend_schema(request=InputSerializer, responses=ActionSerializer,
                   operation_id="actions_complete",
                   parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
    def post(self, request: Request, pk: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        action = _found(lambda: selectors.action_get(user=request.user, pk=pk))
        action = services.action_complete(actor=request.user, action=action,
                                          done=serializer.validated_data["done"])
        view = selectors.action_views(user=request.user, actions=[action])[0]
        return Response(ActionSerializer(view).data)


# --- Concerns (the four filters) ---------------------------------------------------------------

class ConcernRaiseApi(APIView):
    class InputSerializer(serializers.Serializer):
        forum_id = serializers.IntegerField()
        person_id = serializers.IntegerField()
        reason = serializers.CharField()
        risk_factors = serializers.ListField(child=serializers.ChoiceField(
            choices=RiskFactor.choices), allow_empty=False)
        risk_text = serializers.CharField(required=False, default="", allow_blank=True)
        meeting_id = serializers.IntegerField(required=False)

    @extend_schema(request=InputSerializer, responses={201: SituationSerializer},
                   operation_id="concerns_raise")
    def post(self, request: Request) -> Response:
        serializer = ConcernRaiseApi.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        forum = _found(lambda: selectors.forum_get(user=request.user, pk=data["forum_id"]))
        person = _found(lambda: Person.objects.get(pk=data["person_id"]))
        meeting = None
        if "meeting_id" in data:
            meeting = _found(lambda: selectors.meeting_get(user=request.user,
                                                           pk=data["meeting_id"]))
        concern = services.concern_raise(
            actor=request.user, forum=forum, person=person, reason=data["reason"],
            risk_factors=data["risk_factors"], risk_text=data["risk_text"], meeting=meeting)
        situation = selectors.concern_situation(user=request.user, pk=concern.pk)
        return Response(SituationSerializer(situation).data, status=status.HTTP_201_CREATED)


class ConcernDeidentifiedApi(APIView):
    @extend_schema(responses=SituationSerializer, operation_id="concerns_get_deidentified",
                   parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
    def get(self, request: Request, pk: int) -> Response:
        situation = _found(lambda: selectors.concern_situation(user=request.user, pk=pk))
        return Response(SituationSerializer(situation).data)


class ConcernListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        forum = serializers.IntegerField()

    @extend_schema(parameters=[FilterSerializer], responses=SituationSerializer(many=True),
                   operation_id="concerns_list_deidentified")
    def get(self, request: Request) -> Response:
        filters = ConcernListApi.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        forum = _found(lambda: selectors.forum_get(user=request.user,
                                                   pk=filters.validated_data["forum"]))
        situations = selectors.concern_situations(user=request.user, forum=forum)
        return Response(SituationSerializer(situations, many=True).data)


class ConcernCollectionApi(ConcernListApi, ConcernRaiseApi):
    """GET = concerns_list_deidentified, POST = concerns_raise."""


class ConcernDecideApi(APIView):
    class InputSerializer(serializers.Serializer):
        met = serializers.BooleanField()
        reason = serializers.CharField()

    @extend_schema(request=InputSerializer, responses=SituationSerializer,
                   operation_id="concerns_decide_threshold",
                   parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
    def post(self, request: Request, pk: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        concern = _found(lambda: selectors.concern_get(user=request.user, pk=pk))
        services.concern_threshold_decide(actor=request.user, concern=concern,
                                          **serializer.validated_data)
        situation = selectors.concern_situation(user=request.user, pk=pk)
        return Response(SituationSerializer(situation).data)


class ConcernDiscloseApi(APIView):
    class InputSerializer(serializers.Serializer):
        lead_organisation_id = serializers.IntegerField()
        assisting_organisation_ids = serializers.ListField(child=serializers.IntegerField(),
                                                           required=False, default=list)
        legal_basis = serializers.ChoiceField(choices=LegalBasis.choices)
        what_is_shared = serializers.CharField()

    class OutputSerializer(serializers.Serializer):
        organisation_id = serializers.IntegerField()
        organisation = serializers.CharField(source="organisation.name")
        role = serializers.CharField()
        disclosure_id = serializers.IntegerField(allow_null=True)
        expires_at = serializers.DateTimeField(source="disclosure.expires_at", allow_null=True,
                                               default=None)

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer(many=True)},
                   operation_id="concerns_disclose",
                   parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
    def post(self, request: Request, pk: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        concern = _found(lambda: selectors.concern_get(user=request.user, pk=pk))
        recipients = services.concern_disclose(
            actor=request.user, concern=concern,
            lead_organisation=_organisation(data["lead_organisation_id"],
                                            "lead_organisation_id"),
            assisting_organisations=[_organisation(i, "assisting_organisation_ids")
                                     for i in data["assisting_organisation_ids"]],
            legal_basis=data["legal_basis"], what_is_shared=data["what_is_shared"])
        return Response(self.OutputSerializer(recipients, many=True).data,
                        status=status.HTTP_201_CREATED)


# --- The disclosure ledger ---------------------------------------------------------------------

class PersonLedgerApi(APIView):
    class OutputSerializer(serializers.Serializer):
        person_id = serializers.IntegerField()
        person = serializers.CharField(source="person_label")
        disclosures = LedgerRowSerializer(many=True, source="rows")

    @extend_schema(responses=OutputSerializer, operation_id="persons_disclosure_ledger",
                   parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
    def get(self, request: Request, pk: int) -> Response:
        ledger = _found(lambda: selectors.person_ledger(user=request.user, person_pk=pk))
        return Response(self.OutputSerializer(ledger).data)


class DpoDisclosureListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        forum = serializers.IntegerField(required=False)
        legal_basis = serializers.ChoiceField(choices=LegalBasis.choices, required=False)
        date_from = serializers.DateField(required=False)
        date_to = serializers.DateField(required=False)

    class OutputSerializer(serializers.Serializer):
        count = serializers.IntegerField()
        by_legal_basis = serializers.DictField(child=serializers.IntegerField())
        results = LedgerRowSerializer(many=True)

    @extend_schema(parameters=[FilterSerializer], responses=OutputSerializer,
                   operation_id="disclosures_list_dpo")
    def get(self, request: Request) -> Response:
        from samspil.access.selectors import count_by_basis, require_dpo

        require_dpo(request.user)
        filters = DpoDisclosureListApi.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = dict(filters.validated_data)
        if "forum" in data:
            forum_pk = data.pop("forum")
            data["forum"] = _found(lambda: selectors.forum_get(user=request.user, pk=forum_pk))
        rows = selectors.dpo_disclosure_list(user=request.user, **data)
        counts = {item.legal_basis: item.count
                  for item in count_by_basis(r.disclosure for r in rows)}
        return Response(self.OutputSerializer(
            {"count": len(rows), "by_legal_basis": counts, "results": rows}).data)


# --- PSP ---------------------------------------------------------------------------------------

class PspMonitoringApi(APIView):
    class FilterSerializer(serializers.Serializer):
        municipality = serializers.CharField(max_length=3)

    class IncidentSerializer(serializers.Serializer):
        occurred_on = serializers.DateField()
        category = serializers.CharField()
        incident_id = serializers.IntegerField(allow_null=True)
        journal_no = serializers.CharField()

    class OutputSerializer(serializers.Serializer):
        municipality = serializers.CharField(source="municipality.code")
        since = serializers.DateField()
        is_police = serializers.BooleanField()
        not_shown = serializers.IntegerField()
        results = serializers.ListField(child=serializers.DictField())

    @extend_schema(parameters=[FilterSerializer], responses=OutputSerializer,
                   operation_id="psp_monitoring_list")
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        municipality = _found(lambda: Municipality.objects.get(
            code=filters.validated_data["municipality"]))
        monitoring = selectors.psp_monitoring_list(user=request.user, municipality=municipality)
        results = [{
            "person_id": row.person.pk, "name": row.person.full_name, "count": row.count,
            "discussions": row.discussions,
            "latest": self.IncidentSerializer(row.latest, many=True).data,
        } for row in monitoring.rows]
        return Response(self.OutputSerializer({
            "municipality": municipality, "since": monitoring.since,
            "is_police": monitoring.is_police, "not_shown": monitoring.not_shown,
            "results": results}).data)


class PspDiscussionCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        person_id = serializers.IntegerField()
        note = serializers.CharField(required=False, default="", allow_blank=True)

    class OutputSerializer(serializers.Serializer):
        case_id = serializers.IntegerField(source="pk")
        case_ref = serializers.CharField()
        case_type = serializers.CharField()
        state = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer},
                   operation_id="psp_discussions_create")
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        person = _found(lambda: Person.objects.select_related("municipality").get(
            pk=serializer.validated_data["person_id"]))
        case = services.psp_discussion_open(actor=request.user, person=person,
                                            note=serializer.validated_data["note"])
        return Response(self.OutputSerializer(case).data, status=status.HTTP_201_CREATED)


urlpatterns: list[URLPattern | URLResolver] = [
    path("fora", ForumListApi.as_view(), name="api-fora"),
    path("fora/compliance", ForumComplianceApi.as_view(), name="api-fora-compliance"),
    path("fora/<int:pk>", ForumDetailApi.as_view(), name="api-forum"),
    path("meetings", MeetingCollectionApi.as_view(), name="api-meetings"),
    path("meetings/<int:pk>/agenda", MeetingAgendaCollectionApi.as_view(),
         name="api-meeting-agenda"),
    path("meetings/<int:pk>/status", MeetingStatusApi.as_view(), name="api-meeting-status"),
    path("actions", ActionCollectionApi.as_view(), name="api-actions"),
    path("actions/<int:pk>/done", ActionCompleteApi.as_view(), name="api-action-done"),
    path("concerns", ConcernCollectionApi.as_view(), name="api-concerns"),
    path("concerns/<int:pk>", ConcernDeidentifiedApi.as_view(), name="api-concern"),
    path("concerns/<int:pk>/decision", ConcernDecideApi.as_view(), name="api-concern-decision"),
    path("concerns/<int:pk>/disclosures", ConcernDiscloseApi.as_view(),
         name="api-concern-disclosures"),
    path("persons/<int:pk>/disclosures", PersonLedgerApi.as_view(),
         name="api-person-disclosures"),
    path("disclosures", DpoDisclosureListApi.as_view(), name="api-disclosures"),
    path("psp/monitoring", PspMonitoringApi.as_view(), name="api-psp-monitoring"),
    path("psp/discussions", PspDiscussionCreateApi.as_view(), name="api-psp-discussions"),
]
