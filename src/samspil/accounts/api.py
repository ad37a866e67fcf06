from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from samspil.accounts.request import request_user
from samspil.organisations.selectors import organisations_of_district


class MeApi(APIView):
    class OutputSerializer(serializers.Serializer):
        username = serializers.CharField()
        full_name = serializers.CharField()
        organisation = serializers.CharField()
        district = serializers.CharField()
        roles = serializers.ListField(child=serializers.CharField())

    @extend_schema(responses=OutputSerializer, operation_id="me")
    def get(self, request: Request) -> Response:
        user = request_user(request)
        organisation = user.organisation
        assert organisation is not None  # request_user guarantees it
        data = {
            "username": user.username,
            "full_name": user.get_full_name(),
            "organisation": organisation.slug,
            "district": organisation.district.slug,
            "roles": sorted(user.role_codes),
        }
        return Response(self.OutputSerializer(data).data)


class OrganisationListApi(APIView):
    """The organisations of the caller's own district (the cooperation's address book)."""

    class OutputSerializer(serializers.Serializer):
        slug = serializers.CharField()
        name = serializers.CharField()
        kind = serializers.CharField()
        municipality_code = serializers.CharField(
            source="municipality.code", allow_null=True, default=None
        )

    @extend_schema(responses=OutputSerializer(many=True), operation_id="organisations_list")
    def get(self, request: Request) -> Response:
        organisation = request_user(request).organisation
        assert organisation is not None
        organisations = organisations_of_district(district=organisation.district)
        return Response(self.OutputSerializer(organisations, many=True).data)
