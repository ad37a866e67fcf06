"""POST /api/v1/imports: check (dry_run) or import a bundle; administrators only."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from samspil.interchange.permissions import IsImportAdministrator
from samspil.interchange.services import bundle_import
from samspil.interchange.uploads import uploads_dir


class CountsSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    created = serializers.IntegerField(allow_null=True)
    updated = serializers.IntegerField(allow_null=True)
    unchanged = serializers.IntegerField(allow_null=True)


class ProblemSerializer(serializers.Serializer):
    file = serializers.CharField()
    line = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()


class ImportApi(APIView):
    """Check a bundle (.zip) and, unless `dry_run`, import it — all or nothing."""

    permission_classes = [IsImportAdministrator]
    parser_classes = [MultiPartParser]

    class InputSerializer(serializers.Serializer):
        bundle = serializers.FileField()
        dry_run = serializers.BooleanField(default=False)

    class OutputSerializer(serializers.Serializer):
        sha256 = serializers.CharField()
        dry_run = serializers.BooleanField()
        files = serializers.ListField(child=serializers.CharField())
        counts = serializers.DictField(child=CountsSerializer())
        incidents_for_rules = serializers.IntegerField()

    class ProblemsSerializer(serializers.Serializer):
        problem_count = serializers.IntegerField()
        problems = ProblemSerializer(many=True)

    @extend_schema(operation_id="imports_create", request=InputSerializer,
                   responses={200: OutputSerializer, 400: ProblemsSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["bundle"]
        user: Any = request.user  # an administrator of an organisation (the permission)
        with tempfile.TemporaryDirectory(dir=uploads_dir()) as folder:
            target = Path(folder) / "bundle.zip"
            with target.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            result = bundle_import(actor=user, path=target, organisation=user.organisation,
                                   dry_run=data.validated_data["dry_run"])
        if not result.ok:
            return Response(
                self.ProblemsSerializer({"problem_count": result.problem_count,
                                         "problems": result.problems_shown}).data,
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(self.OutputSerializer({
            "sha256": result.sha256, "dry_run": result.dry_run, "files": result.files,
            "counts": result.counts_as_dict(), "incidents_for_rules": result.incidents_for_rules,
        }).data)


urlpatterns: list[URLPattern] = [
    path("imports", ImportApi.as_view(), name="api-imports"),
]
