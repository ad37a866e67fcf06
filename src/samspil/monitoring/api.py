"""The monitoring API: devices and gateways post batches of positions.

Not a user session: each device (or gateway) has its own bearer token, checked here against the
stored hash in constant time. The view is public for the second-factor middleware, which guards
user sessions only; without a valid token nothing is read or written.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from samspil.monitoring.constants import IngestSource, RejectReason
from samspil.monitoring.messages import Refusal, parse_batch
from samspil.monitoring.services import device_authenticate, positions_ingest, rejection_count


def bearer_token(request: Any) -> str:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _space, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


class PositionIngestApi(APIView):
    """Store and evaluate a batch of positions; one result per item, bad items never stop it."""

    samspil_public = True  # the device token below is the authentication
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        device_id = serializers.CharField(max_length=64)
        time = serializers.DateTimeField(help_text="ISO 8601 with offset")
        lat = serializers.FloatField(min_value=-90, max_value=90)
        lon = serializers.FloatField(min_value=-180, max_value=180)
        accuracy_m = serializers.FloatField(required=False, allow_null=True, min_value=0)
        battery = serializers.FloatField(required=False, allow_null=True, min_value=0,
                                         max_value=1)
        tamper = serializers.IntegerField(required=False, allow_null=True, min_value=0,
                                          max_value=1)

    class ItemSerializer(serializers.Serializer):
        index = serializers.IntegerField()
        status = serializers.ChoiceField(choices=["stored", "duplicate", "rejected"])
        reason = serializers.ChoiceField(choices=RejectReason.choices, required=False)
        field = serializers.CharField(required=False)

    class OutputSerializer(serializers.Serializer):
        stored = serializers.IntegerField()
        duplicates = serializers.IntegerField()
        rejected = serializers.IntegerField()
        alerts = serializers.IntegerField()
        items = serializers.ListField(child=serializers.DictField())

    @extend_schema(
        operation_id="monitoring_positions_ingest",
        request=InputSerializer(many=True),
        responses={
            200: OutputSerializer,
            400: OpenApiResponse(description="The body is not a JSON list of positions."),
            401: OpenApiResponse(description="No valid device or gateway token."),
        },
    )
    def post(self, request: Request) -> Response:
        device = device_authenticate(bearer_token(request))
        if device is None:
            return Response({"detail": _("A valid device token is required.")},
                            status=status.HTTP_401_UNAUTHORIZED,
                            headers={"WWW-Authenticate": 'Bearer realm="samspil-monitoring"'})
        batch = parse_batch(request.body)
        if isinstance(batch, Refusal):
            rejection_count(reason=batch.reason, source=IngestSource.HTTP, sample=batch.sample)
            return Response({"detail": str(RejectReason(batch.reason).label),
                             "reason": batch.reason}, status=status.HTTP_400_BAD_REQUEST)
        result = positions_ingest(positions=batch, source=IngestSource.HTTP, credential=device)
        return Response({
            "stored": result.count("stored"),
            "duplicates": result.count("duplicate"),
            "rejected": result.count("rejected"),
            "alerts": len(result.alerts),
            "items": result.items,
        })


urlpatterns: list[URLPattern | URLResolver] = [
    path("monitoring/positions", PositionIngestApi.as_view(), name="api-monitoring-positions"),
]
