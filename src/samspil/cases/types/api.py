"""API of the case types' own operations: one view per operation, nested serializers. The
generic case API (``cases.api``) mounts these paths; refusals are 403, bad input 400."""

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
from samspil.accounts.request import request_user
from samspil.cases import selectors
from samspil.cases.models import Case
from samspil.cases.types import officer_requests, orders, programmes, victims
from samspil.cases.types.models import (
    ConsentChannel,
    ContactChannel,
    ContactResult,
    PlanItemStatus,
)
from samspil.cases.workflows import EXIT_PLAN_ELEMENTS, RESTRAINING_ORDER_KINDS
from samspil.organisations.models import Municipality, Organisation

# A plain string checked by the service: an enum named "status" would collide in the schema with
# the other apps' status enums.
STATUS_HELP = "One of: " + ", ".join(PlanItemStatus.values)


def _case(user: Any, pk: int) -> Case:
    selectors.require_case_reader(user)
    try:
        return selectors.case_get(user=user, pk=pk, purpose=Purpose.CASEWORK)
    except Case.DoesNotExist:
        raise Http404 from None


def _person(user: Any, key: str | None, field: str) -> Any:
    from samspil.persons.models import Person

    if not key:
        return None
    pk = Person.objects.filter(person_key=key).values_list("pk", flat=True).first()
    if pk is None:
        raise serializers.ValidationError({field: ["No person has this person key."]})
    return read_one(user, Person.objects.all(), pk=pk, purpose=Purpose.CASEWORK)


def _organisation(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise serializers.ValidationError({"owner": ["Unknown organisation."]})
    return organisation


class CaseStateSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    case_ref = serializers.CharField()
    case_type = serializers.CharField()
    state = serializers.CharField()
    outcome = serializers.CharField()


class OfficerRequestReplyApi(APIView):
    class InputSerializer(serializers.Serializer):
        message = serializers.CharField(max_length=officer_requests.MAX_MESSAGE)

    class OutputSerializer(serializers.Serializer):
        message = serializers.CharField(source="public_message")
        written_at = serializers.DateTimeField(source="public_message_at")

    @extend_schema(request=InputSerializer, responses=OutputSerializer,
                   operation_id="cases_officer_request_reply")
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        case = _case(user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        details = officer_requests.officer_request_reply(
            actor=user, case=case, message=data.validated_data["message"])
        return Response(self.OutputSerializer(details).data)


class ContactAttemptCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        at = serializers.DateTimeField()
        channel = serializers.ChoiceField(choices=ContactChannel.values)
        result = serializers.ChoiceField(choices=ContactResult.values)
        note = serializers.CharField(required=False, allow_blank=True, max_length=4000)

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField(source="pk")
        at = serializers.DateTimeField()
        channel = serializers.CharField()
        result = serializers.CharField()

    @extend_schema(request=InputSerializer, responses=OutputSerializer,
                   operation_id="cases_contact_attempt_create")
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        case = _case(user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attempt = victims.contact_attempt_record(actor=user, case=case, **data.validated_data)
        return Response(self.OutputSerializer(attempt).data, status=status.HTTP_201_CREATED)


class VictimSupportReferApi(APIView):
    class InputSerializer(serializers.Serializer):
        consent_at = serializers.DateTimeField()
        consent_channel = serializers.ChoiceField(choices=ConsentChannel.values)

    @extend_schema(request=InputSerializer, responses=CaseStateSerializer,
                   operation_id="cases_victim_support_refer")
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        case = _case(user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        referral = victims.victim_support_refer(actor=user, followup=case,
                                                **data.validated_data)
        return Response(CaseStateSerializer(referral).data, status=status.HTTP_201_CREATED)


class RestrainingOrderGrantApi(APIView):
    class InputSerializer(serializers.Serializer):
        order_kind = serializers.ChoiceField(choices=RESTRAINING_ORDER_KINDS, default="tilhold")
        starts_on = serializers.DateField()
        ends_on = serializers.DateField()
        restrained_person_key = serializers.CharField(max_length=64)
        protected_person_key = serializers.CharField(max_length=64, required=False,
                                                     allow_blank=True)
        conditions = serializers.CharField(required=False, allow_blank=True, max_length=4000)

    class OutputSerializer(serializers.Serializer):
        case_id = serializers.IntegerField()
        starts_on = serializers.DateField()
        ends_on = serializers.DateField()
        conditions = serializers.CharField()

    @extend_schema(request=InputSerializer, responses=OutputSerializer,
                   operation_id="cases_restraining_order_grant")
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        case = _case(user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        order = orders.restraining_order_grant(
            actor=user, case=case, starts_on=values["starts_on"], ends_on=values["ends_on"],
            restrained_person=_person(user, values["restrained_person_key"],
                                      "restrained_person_key"),
            protected_person=_person(user, values.get("protected_person_key"),
                                     "protected_person_key"),
            conditions=values.get("conditions", ""), order_kind=values["order_kind"],
        )
        return Response(self.OutputSerializer(order).data, status=status.HTTP_201_CREATED)


class OrderBreachCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        occurred_at = serializers.DateTimeField()
        narrative = serializers.CharField(required=False, allow_blank=True, max_length=10_000)

    class OutputSerializer(serializers.Serializer):
        incident_id = serializers.IntegerField(source="pk")
        journal_no = serializers.CharField()
        stalking_suspected = serializers.BooleanField()

    @extend_schema(request=InputSerializer, responses=OutputSerializer,
                   operation_id="cases_order_breach_create")
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        case = _case(user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        incident = orders.order_breach_register(actor=user, case=case, **data.validated_data)
        incident.stalking_suspected = orders.stalking_suspected(case=case)
        return Response(self.OutputSerializer(incident).data, status=status.HTTP_201_CREATED)


class AreaBanOpenApi(APIView):
    class InputSerializer(serializers.Serializer):
        municipality_code = serializers.CharField(max_length=3)
        person_key = serializers.CharField(max_length=64)
        justification = serializers.CharField(max_length=4000)
        plagued_confirmed = serializers.BooleanField()
        area_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
        lat = serializers.FloatField(required=False)
        lon = serializers.FloatField(required=False)
        radius_m = serializers.IntegerField(required=False)
        ring = serializers.ListField(
            child=serializers.ListField(child=serializers.FloatField(), min_length=2,
                                        max_length=2),
            required=False, max_length=500,
        )

    @extend_schema(request=InputSerializer, responses=CaseStateSerializer,
                   operation_id="cases_area_ban_open")
    def post(self, request: Request) -> Response:
        user = request_user(request)
        selectors.require_case_reader(user)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        municipality = Municipality.objects.filter(code=values.pop("municipality_code")).first()
        if municipality is None:
            raise serializers.ValidationError({"municipality_code": ["Unknown municipality."]})
        person = _person(user, values.pop("person_key"), "person_key")
        case = orders.area_ban_open(actor=user, municipality=municipality, person=person,
                                    **values)
        return Response(CaseStateSerializer(case).data, status=status.HTTP_201_CREATED)


class AreaBanExtendApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=400)
        after_breach = serializers.BooleanField(default=False)

    @extend_schema(request=InputSerializer, responses=CaseStateSerializer,
                   operation_id="cases_area_ban_extend")
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        case = _case(user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = orders.area_ban_extend(actor=user, case=case, **data.validated_data)
        return Response(CaseStateSerializer(case).data)


class MediatorAssignApi(APIView):
    class InputSerializer(serializers.Serializer):
        mediator = serializers.CharField(max_length=150, help_text="The mediator's username.")

    @extend_schema(request=InputSerializer, responses=CaseStateSerializer,
                   operation_id="cases_mediator_assign")
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        case = _case(user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        mediator = programmes.mediators_for(case).filter(
            username=data.validated_data["mediator"]).first()
        if mediator is None:
            raise serializers.ValidationError({"mediator": ["Not a mediator in the district."]})
        case = programmes.mediation_assign_mediator(actor=user, case=case, mediator=mediator)
        return Response(CaseStateSerializer(case).data)


class MediationCloseApi(APIView):
    class InputSerializer(serializers.Serializer):
        agreement = serializers.CharField(required=False, allow_blank=True, max_length=4000)

    @extend_schema(request=InputSerializer, responses=CaseStateSerializer,
                   operation_id="cases_mediation_close")
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        case = _case(user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = programmes.mediation_close(actor=user, case=case, **data.validated_data)
        return Response(CaseStateSerializer(case).data)


class PlanItemOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField()
    element = serializers.CharField()
    title = serializers.CharField()
    owner = serializers.CharField(source="owner.slug")
    status = serializers.CharField()


class PlanItemCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        owner = serializers.SlugField(max_length=80, help_text="The organisation's slug.")
        element = serializers.ChoiceField(choices=EXIT_PLAN_ELEMENTS, required=False)
        title = serializers.CharField(required=False, allow_blank=True, max_length=200)
        status = serializers.CharField(max_length=20, default="planned", help_text=STATUS_HELP)

    @extend_schema(request=InputSerializer, responses=PlanItemOutputSerializer,
                   operation_id="cases_plan_item_create")
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        case = _case(user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        item = programmes.plan_item_add(actor=user, case=case,
                                        owner=_organisation(values.pop("owner")), **values)
        return Response(PlanItemOutputSerializer(item).data, status=status.HTTP_201_CREATED)


class PlanItemStatusApi(APIView):
    class InputSerializer(serializers.Serializer):
        status = serializers.CharField(max_length=20, help_text=STATUS_HELP)

    @extend_schema(request=InputSerializer, responses=PlanItemOutputSerializer,
                   operation_id="cases_plan_item_status")
    def post(self, request: Request, pk: int, item: int) -> Response:
        from samspil.cases.types.models import CasePlanItem

        user = request_user(request)
        case = _case(user, pk)
        row = CasePlanItem.objects.filter(pk=item, case=case).first()
        if row is None:
            raise Http404
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = programmes.plan_item_status_set(actor=user, item=row,
                                              status=data.validated_data["status"])
        return Response(PlanItemOutputSerializer(row).data)


class ExitProgrammeStartApi(APIView):
    @extend_schema(request=None, responses=CaseStateSerializer,
                   operation_id="cases_exit_programme_start")
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        case = programmes.exit_programme_start(actor=user, case=_case(user, pk))
        return Response(CaseStateSerializer(case).data)


class SocialReportLinkApi(APIView):
    class InputSerializer(serializers.Serializer):
        journal_nos = serializers.ListField(child=serializers.CharField(max_length=40),
                                            min_length=1, max_length=50)

    class OutputSerializer(serializers.Serializer):
        linked = serializers.ListField(child=serializers.CharField())

    @extend_schema(request=InputSerializer, responses=OutputSerializer,
                   operation_id="cases_social_report_link_incidents")
    def post(self, request: Request, pk: int) -> Response:
        from samspil.incidents.models import Incident

        user = request_user(request)
        case = _case(user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        numbers = set(data.validated_data["journal_nos"])
        found = list(Incident.objects.filter(journal_no__in=numbers))
        if len(found) != len(numbers):
            raise serializers.ValidationError({"journal_nos": ["Unknown journal number."]})
        links = programmes.social_report_link_incidents(actor=user, case=case, incidents=found)
        return Response(self.OutputSerializer(
            {"linked": sorted(link.incident.journal_no for link in links)}).data)


class SocialReportSendApi(APIView):
    class InputSerializer(serializers.Serializer):
        recipient_municipality_code = serializers.CharField(max_length=3)

    @extend_schema(request=InputSerializer, responses=CaseStateSerializer,
                   operation_id="cases_social_report_send")
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        case = _case(user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        recipient = Municipality.objects.filter(
            code=data.validated_data["recipient_municipality_code"]).first()
        case = programmes.social_report_send(actor=user, case=case, recipient=recipient)  # type: ignore[arg-type]
        return Response(CaseStateSerializer(case).data)


class SocialReportAcknowledgeApi(APIView):
    @extend_schema(request=None, responses=CaseStateSerializer,
                   operation_id="cases_social_report_acknowledge")
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        case = programmes.social_report_acknowledge(actor=user, case=_case(user, pk))
        return Response(CaseStateSerializer(case).data)


urlpatterns: list[URLPattern | URLResolver] = [
    path("cases/area-bans/open", AreaBanOpenApi.as_view(), name="api-area-ban-open"),
    path("cases/<int:pk>/reply", OfficerRequestReplyApi.as_view(), name="api-case-reply"),
    path("cases/<int:pk>/contact-attempts", ContactAttemptCreateApi.as_view(),
         name="api-case-contact-attempts"),
    path("cases/<int:pk>/victim-support-referral", VictimSupportReferApi.as_view(),
         name="api-case-victim-support-referral"),
    path("cases/<int:pk>/order", RestrainingOrderGrantApi.as_view(), name="api-case-order"),
    path("cases/<int:pk>/breaches", OrderBreachCreateApi.as_view(), name="api-case-breaches"),
    path("cases/<int:pk>/area-ban/extend", AreaBanExtendApi.as_view(),
         name="api-case-area-ban-extend"),
    path("cases/<int:pk>/mediator", MediatorAssignApi.as_view(), name="api-case-mediator"),
    path("cases/<int:pk>/mediation/close", MediationCloseApi.as_view(),
         name="api-case-mediation-close"),
    path("cases/<int:pk>/plan-items", PlanItemCreateApi.as_view(), name="api-case-plan-items"),
    path("cases/<int:pk>/plan-items/<int:item>/status", PlanItemStatusApi.as_view(),
         name="api-case-plan-item-status"),
    path("cases/<int:pk>/exit-programme/start", ExitProgrammeStartApi.as_view(),
         name="api-case-exit-start"),
    path("cases/<int:pk>/social-report/incidents", SocialReportLinkApi.as_view(),
         name="api-case-social-report-incidents"),
    path("cases/<int:pk>/social-report/send", SocialReportSendApi.as_view(),
         name="api-case-social-report-send"),
    path("cases/<int:pk>/social-report/acknowledge", SocialReportAcknowledgeApi.as_view(),
         name="api-case-social-report-acknowledge"),
]
