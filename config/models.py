"""Project-wide models (app label ``partline``): background report jobs shared by every app."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class ReportJob(models.Model):
    """A heavy export run by a Celery worker: its progress, its result file, or its error.

    ``kind`` names a report in ``config.reports.REPORTS``; ``parameters`` are that report's plain
    JSON arguments. The worker acknowledges the task only when it ends (acks late), so a job
    whose worker died is run again by another; a finished job is never run twice.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"
        JSON = "json", "JSON"

    kind = models.CharField(max_length=64)
    parameters = models.JSONField(default=dict, blank=True)
    file_format = models.CharField(max_length=8, choices=Format.choices, default=Format.CSV)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done, 0–100.")
    message = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    result = models.FileField(upload_to="reports/%Y/%m/", blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="partline_reportjob_progress_within_100"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"
