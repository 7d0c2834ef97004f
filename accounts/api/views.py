from __future__ import annotations

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.serializers import MemberOutputSerializer, MeOutputSerializer, OrganisationOutputSerializer
from accounts.http import client_ip
from accounts.models import Organisation
from accounts.privacy import personal_data_export
from accounts.selectors import organisations_visible_to


class OrganisationFilter(filters.FilterSet):
    verified = filters.BooleanFilter(field_name="verified_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Organisation
        fields = ["kind", "province", "landsdeel"]


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    """Organisations you belong to, and for coordinators those of their provinces."""

    queryset = Organisation.objects.none()  # for the schema; the real one is per user
    serializer_class = OrganisationOutputSerializer
    filterset_class = OrganisationFilter
    ordering_fields = ["name", "created_at", "province"]
    ordering = ["name"]

    def get_queryset(self) -> QuerySet[Organisation]:
        if getattr(self, "swagger_fake_view", False):
            return Organisation.objects.none()
        return organisations_visible_to(self.request.user).order_by("name")

    @extend_schema(responses=MemberOutputSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def members(self, request: Request, pk: str | None = None) -> Response:
        org = self.get_object()
        rows = org.memberships.select_related("user").order_by("-is_admin", "user__name")
        return Response(MemberOutputSerializer(rows, many=True).data)


class MeView(APIView):
    @extend_schema(responses=MeOutputSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeOutputSerializer(request.user).data)


class MeExportView(APIView):
    """Everything the platform stores about you, as JSON (the same as "Download my data").
    Each export is recorded in the audit log."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, operation_id="me_export")
    def get(self, request: Request) -> Response:
        data = personal_data_export(user=request.user, ip_address=client_ip(request))
        return Response(data, headers={"Cache-Control": "no-store"})
