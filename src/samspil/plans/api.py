"""The cooperation plans API (/api/v1/plans): one view per operation. Reads go through
plans.selectors, writes through plans.services. Indicator values are aggregates only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from samspil.meetings.models import Forum
from samspil.organisations.models import Municipality
from samspil.plans import selectors, services
from samspil.plans.constants import IndicatorMode, PlanStatus, TargetDirection
from samspil.plans.models import CooperationPlan

T = TypeVar("T")


def _found(read: Callable[[], T]) -> T:
    """A missing record is 404; a refusal (AccessDenied) stays 403 through the error handler."""
    try:
        return read()
    except ObjectDoesNotExist:
        raise NotFound from None


def _forum(request: Request, pk: int | None, field: str) -> Forum | None:
    if pk is None:
        return None
    forum = selectors.fora_for(user=request.user).filter(pk=pk).first()
    if forum is None:
        raise ValidationError({field: [_("Unknown forum.")]})
    return forum


def _municipality(request: Request, code: str | None) -> Municipality | None:
    if not code:
        return None
    municipality = Municipality.objects.filter(
        code=code, district_id=request.user.organisation.district_id).first()  # type: ignore[union-attr]
    if municipality is None:
        raise ValidationError({"municipality_code": [
            _("The municipality code is not one of the police district's.")]})
    return municipality


# --- Serializers -------------------------------------------------------------------------------

class PlanSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    year = serializers.IntegerField()
    district = serializers.CharField(source="district.slug")
    municipality_code = serializers.CharField(source="municipality.code", allow_null=True,
                                              default=None)
    title = serializers.CharField()
    introduction = serializers.CharField()
    designated_by_id = serializers.IntegerField(allow_null=True)
    designated_by = serializers.CharField(source="designated_by.name", allow_null=True,
                                          default=None)
    status = serializers.ChoiceField(choices=PlanStatus.choices)
    adopted_at = serializers.DateTimeField(allow_null=True)
    is_synthetic = serializers.BooleanField()


class ActivitySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    activity = serializers.CharField()
    action = serializers.CharField()
    responsible_forum_id = serializers.IntegerField(allow_null=True)
    responsible = serializers.CharField()


class IndicatorValueSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="indicator.pk")
    title = serializers.CharField(source="indicator.title")
    mode = serializers.ChoiceField(source="indicator.mode", choices=IndicatorMode.choices)
    kind = serializers.CharField(source="indicator.kind")
    parameters = serializers.DictField(source="indicator.parameters")
    direction = serializers.CharField(source="indicator.direction")
    target_value = serializers.FloatField(source="indicator.target_value", allow_null=True)
    assessment = serializers.CharField(source="indicator.assessment")
    unit = serializers.CharField(source="measurement.unit", allow_null=True, default=None)
    value = serializers.FloatField(source="measurement.value", allow_null=True, default=None)
    comparison_value = serializers.FloatField(source="measurement.comparison_value",
                                              allow_null=True, default=None)
    change = serializers.FloatField(source="measurement.change", allow_null=True,
                                    default=None)
    relative_change = serializers.FloatField(source="measurement.relative_change",
                                             allow_null=True, default=None)
    on_target = serializers.BooleanField(source="measurement.on_target", allow_null=True,
                                         default=None)


class FocusAreaSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="area.pk")
    title = serializers.CharField(source="area.title")
    description = serializers.CharField(source="area.description")
    designated_by_id = serializers.IntegerField(source="area.designated_by_id", allow_null=True)
    activities = ActivitySerializer(many=True)
    indicators = IndicatorValueSerializer(many=True)


class ActivityInputSerializer(serializers.Serializer):
    activity = serializers.CharField(max_length=300)
    action = serializers.CharField(required=False, default="", allow_blank=True)
    responsible_forum_id = serializers.IntegerField(required=False, allow_null=True,
                                                    default=None)
    responsible_text = serializers.CharField(max_length=300, required=False, default="",
                                             allow_blank=True)


class IndicatorInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    mode = serializers.ChoiceField(choices=IndicatorMode.choices, default=IndicatorMode.TEXT)
    kind = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
    parameters = serializers.DictField(required=False, default=dict)
    direction = serializers.ChoiceField(choices=[("", ""), *TargetDirection.choices],
                                        required=False, default="")
    target_value = serializers.FloatField(required=False, allow_null=True, default=None)
    assessment = serializers.CharField(required=False, default="", allow_blank=True)


class FocusAreaInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, default="", allow_blank=True)
    designated_by_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    activities = ActivityInputSerializer(many=True, required=False, default=list)
    indicators = IndicatorInputSerializer(many=True, required=False, default=list)


def _detail(request: Request, plan: CooperationPlan) -> dict[str, Any]:
    view = selectors.plan_view(user=request.user, plan=plan)
    return {"plan": plan, "period": view.period_label, "focus_areas": view.areas}


class PlanDetailSerializer(serializers.Serializer):
    plan = PlanSerializer()
    period = serializers.CharField()
    focus_areas = FocusAreaSerializer(many=True)


# --- Views ---------------------------------------------------------------------------------------

class PlanListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
        municipality = serializers.CharField(max_length=3, required=False)

    class OutputSerializer(serializers.Serializer):
        results = PlanSerializer(many=True)

    @extend_schema(parameters=[FilterSerializer], responses=OutputSerializer,
                   operation_id="plans_list")
    def get(self, request: Request) -> Response:
        filters = PlanListApi.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        selectors.plans_visible(user=request.user)  # refuses a user without an organisation
        municipality = _municipality(request, data.get("municipality"))
        plans = selectors.plan_list(user=request.user, year=data.get("year"),
                                    municipality_id=municipality.pk if municipality else None)
        return Response(PlanListApi.OutputSerializer({"results": plans}).data)


class PlanCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        year = serializers.IntegerField(min_value=2000, max_value=2100)
        title = serializers.CharField(max_length=200)
        municipality_code = serializers.CharField(max_length=3, required=False,
                                                  allow_null=True, default=None)
        designated_by_id = serializers.IntegerField(required=False, allow_null=True,
                                                    default=None)
        introduction = serializers.CharField(required=False, default="", allow_blank=True)
        focus_areas = FocusAreaInputSerializer(many=True, required=False, default=list)

    @extend_schema(request=InputSerializer, responses={201: PlanDetailSerializer},
                   operation_id="plans_create")
    def post(self, request: Request) -> Response:
        selectors.plans_visible(user=request.user)  # refuses a user without an organisation
        serializer = PlanCreateApi.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        areas = []
        for area in data["focus_areas"]:
            areas.append({
                "title": area["title"], "description": area["description"],
                "designated_by": _forum(request, area["designated_by_id"], "designated_by_id"),
                "activities": [{
                    "activity": a["activity"], "action": a["action"],
                    "responsible_text": a["responsible_text"],
                    "responsible_forum": _forum(request, a["responsible_forum_id"],
                                                "responsible_forum_id"),
                } for a in area["activities"]],
                "indicators": [dict(i) for i in area["indicators"]],
            })
        plan = services.plan_build(
            actor=request.user, year=data["year"], title=data["title"],
            district=request.user.organisation.district,  # type: ignore[union-attr]
            municipality=_municipality(request, data["municipality_code"]),
            designated_by=_forum(request, data["designated_by_id"], "designated_by_id"),
            introduction=data["introduction"], focus_areas=areas)
        return Response(PlanDetailSerializer(_detail(request, plan)).data,
                        status=status.HTTP_201_CREATED)


class PlanCollectionApi(PlanListApi, PlanCreateApi):
    """GET = plans_list, POST = plans_create (one path, two operations)."""


class PlanDetailApi(APIView):
    @extend_schema(responses=PlanDetailSerializer, operation_id="plans_get",
                   parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
    def get(self, request: Request, pk: int) -> Response:
        plan = _found(lambda: selectors.plan_get(user=request.user, pk=pk))
        return Response(PlanDetailSerializer(_detail(request, plan)).data)


class PlanUpdateApi(APIView):
    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=200, required=False)
        municipality_code = serializers.CharField(max_length=3, required=False,
                                                  allow_null=True)
        designated_by_id = serializers.IntegerField(required=False, allow_null=True)
        introduction = serializers.CharField(required=False, allow_blank=True)

    @extend_schema(request=InputSerializer, responses=PlanDetailSerializer,
                   operation_id="plans_update",
                   parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
    def patch(self, request: Request, pk: int) -> Response:
        plan = _found(lambda: selectors.plan_get(user=request.user, pk=pk))
        serializer = PlanUpdateApi.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        changes: dict[str, Any] = {}
        if "title" in data:
            changes["title"] = data["title"]
        if "introduction" in data:
            changes["introduction"] = data["introduction"]
        if "municipality_code" in data:
            changes["municipality"] = _municipality(request, data["municipality_code"])
        if "designated_by_id" in data:
            changes["designated_by"] = _forum(request, data["designated_by_id"],
                                              "designated_by_id")
        plan = services.plan_update(actor=request.user, plan=plan, **changes)
        return Response(PlanDetailSerializer(_detail(request, plan)).data)


class PlanItemApi(PlanDetailApi, PlanUpdateApi):
    """GET = plans_get, PATCH = plans_update."""


class PlanAdoptApi(APIView):
    @extend_schema(request=None, responses=PlanSerializer, operation_id="plans_adopt",
                   parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
    def post(self, request: Request, pk: int) -> Response:
        plan = _found(lambda: selectors.plan_get(user=request.user, pk=pk))
        return Response(PlanSerializer(services.plan_adopt(actor=request.user, plan=plan)).data)


urlpatterns: list[URLPattern | URLResolver] = [
    path("plans", PlanCollectionApi.as_view(), name="api-plans"),
    path("plans/<int:pk>", PlanItemApi.as_view(), name="api-plan"),
    path("plans/<int:pk>/adopt", PlanAdoptApi.as_view(), name="api-plan-adopt"),
]

