"""Report jobs over the API, for token clients: a job's state and its file (the pages'
/reports/<id>/ needs a browser session). Owner or the view-any-job permission, else 404."""

from typing import Any

from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.models import ReportJob
from config.reports import report_job_for, report_job_state


def _job(request: Request, pk: int) -> ReportJob:
    job = report_job_for(job_id=pk, user=request.user)
    if job is None:
        raise NotFound("No such report job of yours.")
    return job


class ReportJobStatusView(APIView):
    """A report job's state: status (queued, running, done, failed), percent, message, error, and
    the download URL once done. Poll it until the status is done or failed."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=inline_serializer(
            "ReportJobState",
            {
                "id": serializers.IntegerField(),
                "kind": serializers.CharField(),
                "status": serializers.ChoiceField(choices=ReportJob.Status.choices),
                "progress": serializers.IntegerField(help_text="Percent done, 0–100."),
                "message": serializers.CharField(),
                "error": serializers.CharField(),
                "download": serializers.CharField(allow_null=True),
            },
        )
    )
    def get(self, request: Request, pk: int) -> Response:
        job = _job(request, pk)
        download = reverse("api-report-job-download", args=[job.pk])
        return Response(report_job_state(job, download_url=download))


class _AnyAccept(BaseContentNegotiation):
    """The download is a file of its own type; the errors (401, 404) are JSON whatever the client
    accepts (DRF would answer 406 to Accept: text/csv)."""

    def select_parser(self, request: Request, parsers: list) -> Any:
        return parsers[0]

    def select_renderer(self, request: Request, renderers: list, format_suffix: Any = None):
        return renderers[0], renderers[0].media_type


class ReportJobDownloadView(APIView):
    """A finished job's file; 404 while it is not done."""

    permission_classes = [IsAuthenticated]
    content_negotiation_class = _AnyAccept

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int) -> FileResponse:
        job = _job(request, pk)
        if job.status != ReportJob.Status.DONE or not job.result:
            raise NotFound("The report is not ready.")
        name = job.result.name.rsplit("/", 1)[-1]
        return FileResponse(job.result.open("rb"), as_attachment=True, filename=name)
