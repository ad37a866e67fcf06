from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from samspil.accounts.request import request_user
from samspil.audit.selectors import AuditQuery, audit_entries_search


class AuditEntryListApi(APIView):
    """Search the audit trail (data-protection officers): at most 500 entries, newest first."""

    class FilterSerializer(serializers.Serializer):
        object_type = serializers.CharField(required=False, allow_blank=True, max_length=60)
        object_id = serializers.CharField(required=False, allow_blank=True, max_length=64)
        actor_username = serializers.CharField(required=False, allow_blank=True, max_length=150)
        action = serializers.CharField(required=False, allow_blank=True, max_length=20)
        date_from = serializers.DateField(required=False)
        date_to = serializers.DateField(required=False)

    class OutputSerializer(serializers.Serializer):
        seq = serializers.IntegerField()
        at = serializers.DateTimeField()
        actor_username = serializers.CharField()
        action = serializers.CharField()
        object_type = serializers.CharField()
        object_id = serializers.CharField()
        # A list read (a queue page, a search result) names every record it showed here.
        object_ids = serializers.ListField(child=serializers.CharField())
        purpose = serializers.CharField()
        reason = serializers.CharField()

    @extend_schema(
        parameters=[FilterSerializer],
        responses=OutputSerializer(many=True),
        operation_id="audit_entries_list",
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        entries = audit_entries_search(
            user=request_user(request), query=AuditQuery(**filters.validated_data)
        )
        return Response(self.OutputSerializer(entries[:500], many=True).data)
