from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access, selectors, tokens
from accounts.api.serializers import (
    InvitationInputSerializer,
    InvitationOutputSerializer,
    JoinRequestInputSerializer,
    JoinRequestOutputSerializer,
    LocationInputSerializer,
    LocationOutputSerializer,
    MemberSerializer,
    MemberUpdateInputSerializer,
    MeOutputSerializer,
    OrganisationOutputSerializer,
    OrganisationSearchSerializer,
    OrganisationUpdateInputSerializer,
    TokenCreatedSerializer,
    TokenInputSerializer,
    TokenOutputSerializer,
)
from accounts.http import client_ip
from accounts.models import ApiToken, Invitation, JoinRequest, Membership, Organisation
from accounts.personal_data import personal_data_export
from accounts.selectors import organisations_visible_to
from accounts.services import invitations, memberships, organisations


class OrganisationFilter(filters.FilterSet):
    verified = filters.BooleanFilter(field_name="verified_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Organisation
        fields = ["kind", "province", "landsdeel"]


class OrganisationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Organisations you belong to, and for coordinators those of their provinces.

    Members and admins (DESIGN §1): everyone who may see an organisation reads its members;
    only its admins change the profile, invite, promote, demote and remove (others: 403)."""

    queryset = Organisation.objects.none()  # for the schema; the real one is per user
    serializer_class = OrganisationOutputSerializer
    filterset_class = OrganisationFilter
    ordering_fields = ["name", "created_at", "province"]
    ordering = ["name"]

    def get_queryset(self) -> QuerySet[Organisation]:
        if getattr(self, "swagger_fake_view", False):
            return Organisation.objects.none()
        return organisations_visible_to(self.request.user).order_by("name")

    def _admin_object(self) -> Organisation:
        org = self.get_object()
        if not memberships.membership_is_admin(user=self.request.user, organisation=org):
            raise PermissionDenied(_("Only the organisation's admins can do this."))
        return org

    @extend_schema(request=OrganisationUpdateInputSerializer, responses=OrganisationOutputSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        org = self._admin_object()
        serializer = OrganisationUpdateInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        org = organisations.organisation_update(
            organisation=org, by=request.user, **serializer.validated_data
        )
        return Response(OrganisationOutputSerializer(org).data)

    @extend_schema(methods=["GET"], responses=MemberSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=InvitationInputSerializer, responses={201: InvitationOutputSerializer}
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def members(self, request: Request, pk: str | None = None) -> Response:
        if request.method == "POST":
            org = self._admin_object()
            serializer = InvitationInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            invitation = invitations.invitation_create(
                organisation=org, by=request.user, **serializer.validated_data
            )
            return Response(InvitationOutputSerializer(invitation).data, status=status.HTTP_201_CREATED)
        org = self.get_object()
        rows = org.memberships.select_related("user").order_by("-is_admin", "user__name", "user__email")
        return Response(MemberSerializer(rows, many=True).data)

    def _membership(self, org: Organisation, user_id: str) -> Membership:
        return get_object_or_404(Membership.objects.select_related("user"), organisation=org, user_id=user_id)

    @extend_schema(methods=["PATCH"], request=MemberUpdateInputSerializer, responses=MemberSerializer)
    @extend_schema(methods=["DELETE"], responses={204: None})
    @action(
        detail=True,
        methods=["patch", "delete"],
        url_path=r"members/(?P<user_id>[0-9]+)",
        url_name="member",
        pagination_class=None,
        filter_backends=[],
    )
    def member(self, request: Request, pk: str | None = None, user_id: str = "") -> Response:
        org = self._admin_object()
        membership = self._membership(org, user_id)
        if request.method == "DELETE":
            memberships.membership_remove(membership=membership, by=request.user)
            return Response(status=status.HTTP_204_NO_CONTENT)
        serializer = MemberUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = memberships.membership_set_admin(
            membership=membership, by=request.user, is_admin=serializer.validated_data["is_admin"]
        )
        return Response(MemberSerializer(membership).data)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def leave(self, request: Request, pk: str | None = None) -> Response:
        org = get_object_or_404(Organisation, pk=pk, memberships__user=request.user)
        memberships.membership_leave(user=request.user, organisation=org)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=InvitationOutputSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def invitations(self, request: Request, pk: str | None = None) -> Response:
        org = self._admin_object()
        rows = org.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).order_by(
            "-created_at"
        )
        return Response(InvitationOutputSerializer(rows, many=True).data)

    def _invitation(self, org: Organisation, invitation_id: str) -> Invitation:
        return get_object_or_404(Invitation, organisation=org, pk=invitation_id)

    @extend_schema(responses={204: None})
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"invitations/(?P<invitation_id>[0-9]+)",
        url_name="invitation",
        pagination_class=None,
        filter_backends=[],
    )
    def invitation(self, request: Request, pk: str | None = None, invitation_id: str = "") -> Response:
        org = self._admin_object()
        invitations.invitation_revoke(invitation=self._invitation(org, invitation_id), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=InvitationOutputSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path=r"invitations/(?P<invitation_id>[0-9]+)/resend",
        url_name="invitation-resend",
        pagination_class=None,
        filter_backends=[],
    )
    def invitation_resend(self, request: Request, pk: str | None = None, invitation_id: str = "") -> Response:
        org = self._admin_object()
        invitation = invitations.invitation_resend(
            invitation=self._invitation(org, invitation_id), by=request.user
        )
        return Response(InvitationOutputSerializer(invitation).data)

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="Name, place, BRIN code or KvK number")],
        responses=OrganisationSearchSerializer(many=True),
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def search(self, request: Request) -> Response:
        """Find an existing school or company to join (name, place, BRIN or KvK)."""
        rows = selectors.organisations_search(request.query_params.get("q", ""))
        return Response(OrganisationSearchSerializer(rows, many=True).data)

    @extend_schema(methods=["GET"], responses=JoinRequestOutputSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=JoinRequestInputSerializer, responses={201: JoinRequestOutputSerializer}
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="join-requests",
        pagination_class=None,
        filter_backends=[],
    )
    def join_requests(self, request: Request, pk: str | None = None) -> Response:
        if request.method == "POST":
            # Anyone signed in may ask to join an organisation they found by searching.
            org = get_object_or_404(Organisation, pk=pk)
            serializer = JoinRequestInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            join_request = memberships.join_request_create(
                organisation=org, user=request.user, message=serializer.validated_data["message"]
            )
            return Response(JoinRequestOutputSerializer(join_request).data, status=status.HTTP_201_CREATED)
        org = self._admin_object()
        rows = org.join_requests.select_related("user").filter(status=JoinRequest.Status.PENDING)
        return Response(JoinRequestOutputSerializer(rows, many=True).data)

    def _decide(self, request: Request, pk: str | None, join_request_id: str, approve: bool) -> Response:
        org = self._admin_object()
        join_request = get_object_or_404(JoinRequest, organisation=org, pk=join_request_id)
        join_request = memberships.join_request_decide(
            join_request=join_request, by=request.user, approve=approve
        )
        return Response(JoinRequestOutputSerializer(join_request).data)

    @extend_schema(request=None, responses=JoinRequestOutputSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path=r"join-requests/(?P<join_request_id>[0-9]+)/approve",
        url_name="join-request-approve",
        pagination_class=None,
        filter_backends=[],
    )
    def join_request_approve(
        self, request: Request, pk: str | None = None, join_request_id: str = ""
    ) -> Response:
        return self._decide(request, pk, join_request_id, approve=True)

    @extend_schema(methods=["GET"], responses=LocationOutputSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=LocationInputSerializer, responses={201: LocationOutputSerializer}
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def locations(self, request: Request, pk: str | None = None) -> Response:
        """School locations (BRIN + two digits) or company sites (12-digit vestigingsnummer)."""
        if request.method == "POST":
            org = self._admin_object()
            serializer = LocationInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            location = organisations.location_create(
                organisation=org, by=request.user, **serializer.validated_data
            )
            return Response(LocationOutputSerializer(location).data, status=status.HTTP_201_CREATED)
        org = self.get_object()
        return Response(LocationOutputSerializer(org.locations.all(), many=True).data)

    @extend_schema(request=None, responses=JoinRequestOutputSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path=r"join-requests/(?P<join_request_id>[0-9]+)/refuse",
        url_name="join-request-refuse",
        pagination_class=None,
        filter_backends=[],
    )
    def join_request_refuse(
        self, request: Request, pk: str | None = None, join_request_id: str = ""
    ) -> Response:
        return self._decide(request, pk, join_request_id, approve=False)


class TokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Your personal API tokens. The secret (`key`) is in the answer to POST only; send it as
    `Authorization: Token <key>`. A revoked token is refused (401) at once."""

    queryset = ApiToken.objects.none()
    serializer_class = TokenOutputSerializer
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[ApiToken]:
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        return ApiToken.objects.filter(user=self.request.user, revoked_at__isnull=True)

    @extend_schema(request=TokenInputSerializer, responses={201: TokenCreatedSerializer})
    def create(self, request: Request) -> Response:
        serializer = TokenInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, key = tokens.api_token_create(
            user=request.user,
            organisation=access.active_organisation(request.user),
            two_factor_session=tokens.session_used_two_factor(request._request)
            and not isinstance(request.auth, ApiToken),
            **serializer.validated_data,
        )
        token.key = key
        return Response(TokenCreatedSerializer(token).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, pk: str | None = None) -> Response:
        tokens.api_token_revoke(token=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


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
