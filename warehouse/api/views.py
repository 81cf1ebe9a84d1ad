"""Warehouse API views: warehouses, locations, stock, the ledger and stock documents."""

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.permissions import BasePermission, DjangoModelPermissions
from rest_framework.request import Request
from rest_framework.response import Response

from config.api.listing import FastListMixin
from config.api.permissions import DjangoModelPermissionsWithView
from config.errors import ConflictError
from config.tasks import enqueue
from inventory.revisions import PARTS
from warehouse import services
from warehouse.api.serializers import (
    ErrorSerializer,
    LocationSerializer,
    StockConflictSerializer,
    StockDocumentSerializer,
    StockLevelSerializer,
    StockMoveSerializer,
    StockVerificationSerializer,
    WarehouseSerializer,
    with_lines,
)
from warehouse.filters import (
    LocationFilterSet,
    StockDocumentFilterSet,
    StockLevelFilterSet,
    StockMoveFilterSet,
)
from warehouse.models import (
    Location,
    StockDocument,
    StockLevel,
    StockMove,
    StockVerification,
    Warehouse,
)
from warehouse.revisions import STOCK
from warehouse.tasks import verify_stock_task

CONFLICT = OpenApiResponse(
    StockConflictSerializer,
    description="Conflicts with the stock or the document's status: posted twice, stock short "
    "(each short line is listed), stock used since, or the document is not a draft.",
)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="A retry with the same key returns the first answer and changes nothing again; "
    "the same key with a different request is refused with 422.",
)
KEY_REUSED = OpenApiResponse(
    ErrorSerializer, description="The Idempotency-Key was used for another request."
)


class FieldSearchFilter(SearchFilter):
    """DRF's search filter, but a bad ?search= is reported under its field name like others."""

    def get_search_terms(self, request: Request) -> list[str]:
        try:
            return super().get_search_terms(request)
        except ValidationError as exc:
            raise ValidationError({self.search_param: exc.detail}) from exc


FILTER_BACKENDS = [DjangoFilterBackend, FieldSearchFilter, OrderingFilter]


class ProtectedDeleteMixin:
    """Objects still referenced by stock or documents are refused with 409, not a 500."""

    def perform_destroy(self, instance: Any) -> None:
        try:
            with transaction.atomic():
                instance.delete()
        except (ProtectedError, IntegrityError) as exc:
            raise ConflictError(
                f"{instance} is still used by stock, documents or other locations; "
                "deactivate it instead."
            ) from exc


DESTROY_SCHEMA = extend_schema(responses={204: None, 409: OpenApiResponse(ErrorSerializer)})


@extend_schema(tags=["warehouse"])
class WarehouseViewSet(ProtectedDeleteMixin, viewsets.ModelViewSet):
    queryset = Warehouse.objects.all()
    serializer_class = WarehouseSerializer
    filter_backends = FILTER_BACKENDS
    search_fields = ["code", "name"]
    filterset_fields = ["is_active"]

    @DESTROY_SCHEMA
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().destroy(request, *args, **kwargs)


@extend_schema(tags=["warehouse"])
class LocationViewSet(ProtectedDeleteMixin, viewsets.ModelViewSet):
    queryset = Location.objects.select_related("warehouse")
    serializer_class = LocationSerializer
    filter_backends = FILTER_BACKENDS
    filterset_class = LocationFilterSet
    search_fields = ["code", "name"]

    @DESTROY_SCHEMA
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().destroy(request, *args, **kwargs)


@extend_schema(tags=["warehouse"])
class StockLevelViewSet(FastListMixin, viewsets.ReadOnlyModelViewSet):
    # Only the columns the serializer reads (a part row is wide: descriptions, notes, rack specs).
    queryset = (
        StockLevel.objects.select_related("location__warehouse", "part")
        .only(
            "id",
            "quantity",
            "updated_at",
            "location__code",
            "location__warehouse__code",
            "part__sku",
            "part__reorder_point",
        )
        .order_by("location__warehouse__code", "location__code", "part__sku")
    )
    serializer_class = StockLevelSerializer
    filter_backends = FILTER_BACKENDS
    filterset_class = StockLevelFilterSet
    list_revisions = (STOCK, PARTS)
    ordering_fields = ["quantity", "updated_at"]


@extend_schema(tags=["warehouse"])
class StockMoveViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = StockMove.objects.select_related("document", "location__warehouse", "part").order_by(
        "-created_at", "-id"
    )
    serializer_class = StockMoveSerializer
    filter_backends = FILTER_BACKENDS
    filterset_class = StockMoveFilterSet


class DocumentActionPermission(BasePermission):
    """Posting needs warehouse.post_stockdocument, cancelling warehouse.cancel_stockdocument."""

    required = {"post": "warehouse.post_stockdocument", "cancel": "warehouse.cancel_stockdocument"}

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        perm = self.required.get(getattr(view, "action", ""))
        return perm is None or user.has_perm(perm)


@extend_schema(tags=["warehouse"])
class StockDocumentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = StockDocumentSerializer
    filter_backends = FILTER_BACKENDS
    filterset_class = StockDocumentFilterSet
    search_fields = ["number", "partner", "external_reference"]
    ordering_fields = ["created_at", "posted_at", "number"]

    def get_queryset(self) -> QuerySet:
        documents = StockDocument.objects.select_related("created_by", "posted_by", "cancelled_by")
        if self.action in ("list", "retrieve"):
            # The writes read the lines they need themselves and answer through with_lines.
            documents = documents.prefetch_related("lines__part")
        return documents

    def get_permissions(self) -> list[BasePermission]:
        if self.action in ("post", "cancel"):
            return [DocumentActionPermission()]
        return [DjangoModelPermissionsWithView()]

    @extend_schema(
        responses={
            201: StockDocumentSerializer,
            200: OpenApiResponse(
                StockDocumentSerializer,
                description="A document with this idempotency_key exists already: it is "
                "returned unchanged and nothing is created.",
            ),
            409: CONFLICT,
        },
        description="Create a DRAFT document with its lines in one request.",
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        created = serializer.created
        return Response(
            serializer.data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    @extend_schema(
        responses={200: StockDocumentSerializer, 409: CONFLICT},
        description="Change a DRAFT (header and, if given, all its lines). Posted and cancelled "
        "documents are read-only: 409.",
    )
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # A posted document answers 409 whatever the body (the service checks again, locked).
        services.draft_check(document=self.get_object(), action="edited")
        return super().update(request, *args, **kwargs)

    @extend_schema(
        responses={200: StockDocumentSerializer, 409: CONFLICT},
        description="Change part of a DRAFT. Posted and cancelled documents are read-only: 409.",
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    @extend_schema(
        responses={204: None, 409: CONFLICT},
        description="Discard a DRAFT: it becomes CANCELLED and keeps its number (documents "
        "are never deleted, so the number series stays gap-free); 204, and a GET still "
        "answers the CANCELLED document. "
        "Posted and cancelled documents: 409 (cancel a posted one with POST .../cancel/).",
    )
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.document_discard(document=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=None,
        parameters=[IDEMPOTENCY_KEY],
        responses={200: StockDocumentSerializer, 409: CONFLICT, 422: KEY_REUSED},
        description="Post a DRAFT: all its movements in one transaction, or none (409 listing "
        "each short line). Needs warehouse.post_stockdocument.",
    )
    @action(detail=True, methods=["post"])
    def post(self, request: Request, pk: str | None = None) -> Response:
        return self._once(request, "post")

    @extend_schema(
        request=None,
        parameters=[IDEMPOTENCY_KEY],
        responses={200: StockDocumentSerializer, 409: CONFLICT, 422: KEY_REUSED},
        description="Cancel a POSTED document by posting the exact reverse moves; 409 with the "
        "reason if its stock has since been used. Needs warehouse.cancel_stockdocument.",
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        return self._once(request, "cancel")

    def _once(self, request: Request, action: str) -> Response:
        answer = services.document_action_once(
            action=action,
            document=self.get_object(),
            user=request.user,
            idempotency_key=request.headers.get("Idempotency-Key"),
            request_body=request.data,
            render=lambda document: self.get_serializer(with_lines(document)).data,
        )
        headers = {"Idempotent-Replayed": "true"} if answer.replayed else None
        return Response(answer.body, status=answer.status, headers=headers)


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
