"""Stock verifications: the recorded results, and starting one now as a background job."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import DjangoModelPermissions
from rest_framework.request import Request
from rest_framework.response import Response

from config.tasks import enqueue
from warehouse.models import StockVerification
from warehouse.tasks import verify_stock_task


class StockVerificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = StockVerification
        fields = [
            "id",
            "started_at",
            "finished_at",
            "levels_checked",
            "mismatch_count",
            "mismatches",
            "triggered_by",
        ]
        extra_kwargs = {
            "started_at": {"help_text": "When the check began."},
            "finished_at": {"help_text": "When the check ended."},
            "levels_checked": {"help_text": "Stock levels compared with the ledger."},
            "mismatch_count": {"help_text": "Levels whose balance differs from the ledger."},
            "mismatches": {"help_text": "Each differing level: location, part, level, ledger."},
            "triggered_by": {"help_text": "schedule, command or api."},
        }


class StartVerificationPermission(DjangoModelPermissions):
    """Starting a check needs the add permission on stock verifications (managers)."""

    perms_map = {**DjangoModelPermissions.perms_map, "POST": ["%(app_label)s.add_%(model_name)s"]}


class StockVerificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Results of the nightly ledger check (and of checks started here)."""

    queryset = StockVerification.objects.all()
    serializer_class = StockVerificationSerializer
    filterset_fields = ["triggered_by"]
    ordering_fields = ["started_at", "mismatch_count"]

    @extend_schema(
        request=None,
        responses={
            202: inline_serializer(
                "StockVerificationStarted",
                {
                    "job": serializers.CharField(help_text="Background job id."),
                    "detail": serializers.CharField(help_text="What happens next."),
                },
            )
        },
    )
    @action(detail=False, methods=["post"], permission_classes=[StartVerificationPermission])
    def run(self, request: Request) -> Response:
        """Start a ledger check now; 503 with a message when the job queue is unreachable."""
        result = enqueue(verify_stock_task, triggered_by="api")
        return Response(
            {
                "job": result.id,
                "detail": "Stock verification started; its result appears in this list.",
            },
            status=status.HTTP_202_ACCEPTED,
        )
