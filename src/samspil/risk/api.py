"""The Socialsøg API (/api/v1/socialsoeg/…): hits, decisions, runs and backtests.

Reads go through risk.selectors (scoped to the reviewer's organisation and logged), writes
through risk.services. Every operation refuses anyone but a Socialsøg reviewer (backtests: also
the analyst), with the refusal logged.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from samspil.risk import selectors, services
from samspil.risk.backtest import backtest_run
from samspil.risk.constants import HitStatus, Trigger
from samspil.risk.models import Hit

_ID = OpenApiParameter("id", int, OpenApiParameter.PATH)


class HitSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    status = serializers.CharField()
    clause = serializers.CharField()
    score = serializers.IntegerField()
    child_count = serializers.IntegerField()
    rule_set = serializers.CharField(source="rule_set_version.version")
    as_of = serializers.DateField()
    created_at = serializers.DateTimeField()
    reopened_at = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    social_report_case = serializers.CharField(
        source="social_report_case.case_ref", allow_null=True, default=None
    )


def _hit(request: Request, pk: Any, *, decide: bool = False) -> Hit:
    try:
        if decide:
            return selectors.hit_to_decide(user=request.user, pk=pk)
        return selectors.hit_get(user=request.user, pk=pk)
    except Hit.DoesNotExist:
        raise NotFound from None


class HitListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=HitStatus.choices, default=HitStatus.OPEN)
        page = serializers.IntegerField(min_value=1, default=1)

    class OutputSerializer(serializers.Serializer):
        count = serializers.IntegerField()
        page = serializers.IntegerField()
        pages = serializers.IntegerField()
        results = HitSerializer(many=True)

    @extend_schema(parameters=[FilterSerializer], responses=OutputSerializer,
                   operation_id="socialsoeg_hits_list")
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        page = selectors.hit_queue(user=request.user, page=filters.validated_data["page"],
                                   status=filters.validated_data["status"])
        data = {"count": page.paginator.count, "page": page.number,
                "pages": page.paginator.num_pages, "results": list(page.object_list)}
        return Response(self.OutputSerializer(data).data)


class HitDetailApi(APIView):
    class RoleSerializer(serializers.Serializer):
        person_id = serializers.IntegerField()
        name = serializers.CharField()
        role = serializers.CharField()

    class IncidentSerializer(serializers.Serializer):
        incident_id = serializers.IntegerField()
        journal_no = serializers.CharField()
        occurred_on = serializers.DateField()
        category = serializers.CharField()
        weight = serializers.IntegerField()
        serious = serializers.BooleanField()

    class PersonSerializer(serializers.Serializer):
        person_id = serializers.IntegerField()
        name = serializers.CharField()
        age = serializers.IntegerField(allow_null=True)
        municipality = serializers.CharField()

    class OutputSerializer(serializers.Serializer):
        hit = HitSerializer()
        incidents = serializers.ListField(child=serializers.DictField())
        caregivers = serializers.ListField(child=serializers.DictField())
        children = serializers.ListField(child=serializers.DictField())
        decision_reason = serializers.CharField()
        concern_draft = serializers.CharField()

    @extend_schema(responses=OutputSerializer, operation_id="socialsoeg_hits_get",
                   parameters=[_ID])
    def get(self, request: Request, pk: int) -> Response:
        hit = _hit(request, pk)
        view = selectors.hit_view(user=request.user, hit=hit)
        data = {
            "hit": hit,
            "incidents": [
                {
                    **self.IncidentSerializer(line).data,
                    "roles": self.RoleSerializer(line.roles, many=True).data,
                    "children_present": self.RoleSerializer(line.children_present,
                                                            many=True).data,
                }
                for line in view.incidents
            ],
            "caregivers": self.PersonSerializer(view.caregivers, many=True).data,
            "children": self.PersonSerializer(view.children, many=True).data,
            "decision_reason": hit.decision_reason,
            "concern_draft": view.concern_draft,
        }
        return Response(self.OutputSerializer(data).data)


class HitSendReportApi(APIView):
    class InputSerializer(serializers.Serializer):
        concern_text = serializers.CharField()

    class OutputSerializer(HitSerializer):
        pass

    @extend_schema(request=InputSerializer, responses=OutputSerializer,
                   operation_id="socialsoeg_hits_send_report", parameters=[_ID])
    def post(self, request: Request, pk: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        hit = services.hit_send_social_report(
            actor=request.user, hit=_hit(request, pk, decide=True),
            concern_text=serializer.validated_data["concern_text"],
        )
        return Response(self.OutputSerializer(hit).data)


class HitDismissApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField()

    class OutputSerializer(HitSerializer):
        pass

    @extend_schema(request=InputSerializer, responses=OutputSerializer,
                   operation_id="socialsoeg_hits_dismiss", parameters=[_ID])
    def post(self, request: Request, pk: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        hit = services.hit_dismiss(actor=request.user, hit=_hit(request, pk, decide=True),
                                   reason=serializer.validated_data["reason"])
        return Response(self.OutputSerializer(hit).data)


class RunCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        as_of = serializers.DateField(required=False)
        dry_run = serializers.BooleanField(default=False)

    class OutputSerializer(serializers.Serializer):
        run = serializers.IntegerField(allow_null=True)
        as_of = serializers.DateField()
        rule_set = serializers.CharField()
        families_found = serializers.IntegerField()
        created = serializers.IntegerField()
        updated = serializers.IntegerField()
        reopened = serializers.IntegerField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer},
                   operation_id="socialsoeg_runs_create")
    def post(self, request: Request) -> Response:
        selectors.require_reviewer(request.user)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user: Any = request.user
        outcome = services.screening_run(
            as_of=serializer.validated_data.get("as_of") or timezone.localdate(),
            district=user.organisation.district, actor=user, trigger=Trigger.USER,
            dry_run=serializer.validated_data["dry_run"],
        )
        data = {
            "run": outcome.run.pk if outcome.run else None, "as_of": outcome.as_of,
            "rule_set": outcome.version.version, "families_found": len(outcome.hits),
            "created": outcome.counts.get("created", 0),
            "updated": outcome.counts.get("updated", 0),
            "reopened": outcome.counts.get("reopened", 0),
        }
        return Response(self.OutputSerializer(data).data, status=status.HTTP_201_CREATED)


class BacktestApi(APIView):
    class InputSerializer(serializers.Serializer):
        as_of = serializers.DateField()
        rule_set = serializers.CharField(max_length=40)
        compare = serializers.CharField(max_length=40)

    class FamilySerializer(serializers.Serializer):
        caregivers = serializers.ListField(child=serializers.CharField())
        children = serializers.ListField(child=serializers.CharField())
        score = serializers.IntegerField()
        clause = serializers.CharField()
        journal_nos = serializers.ListField(child=serializers.CharField())

    class OutputSerializer(serializers.Serializer):
        as_of = serializers.DateField()
        rule_set = serializers.CharField()
        compare = serializers.CharField()
        hits = serializers.DictField(child=serializers.IntegerField())
        gained = serializers.ListField(child=serializers.DictField())
        lost = serializers.ListField(child=serializers.DictField())
        changed = serializers.ListField(child=serializers.DictField())

    @extend_schema(request=InputSerializer, responses=OutputSerializer,
                   operation_id="socialsoeg_backtest")
    def post(self, request: Request) -> Response:
        selectors.require_backtester(request.user)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user: Any = request.user
        district = user.organisation.district
        data = serializer.validated_data
        comparison = backtest_run(
            actor=user, district=district, as_of=data["as_of"],
            version_a=services.rule_set_version_for(code=data["rule_set"], district=district),
            version_b=services.rule_set_version_for(code=data["compare"], district=district),
        )
        return Response(self.OutputSerializer(comparison.to_dict()).data)


urlpatterns: list[URLPattern | URLResolver] = [
    path("socialsoeg/hits", HitListApi.as_view(), name="api-socialsoeg-hits"),
    path("socialsoeg/hits/<int:pk>", HitDetailApi.as_view(), name="api-socialsoeg-hit"),
    path("socialsoeg/hits/<int:pk>/send-report", HitSendReportApi.as_view(),
         name="api-socialsoeg-hit-send-report"),
    path("socialsoeg/hits/<int:pk>/dismiss", HitDismissApi.as_view(),
         name="api-socialsoeg-hit-dismiss"),
    path("socialsoeg/runs", RunCreateApi.as_view(), name="api-socialsoeg-runs"),
    path("socialsoeg/backtest", BacktestApi.as_view(), name="api-socialsoeg-backtest"),
]
