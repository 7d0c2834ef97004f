"""Offers and requests in the REST API: thin views over the services and selectors."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request as ApiRequest
from rest_framework.response import Response

from accounts import access
from matching import selectors
from matching.api.filters import OfferFilter, RequestFilter
from matching.api.matches import MatchOutputSerializer
from matching.api.serializers import (
    OfferInputSerializer,
    OfferOutputSerializer,
    OfferPublicSerializer,
    RequestInputSerializer,
    RequestOutputSerializer,
)
from matching.models import Offer, Request
from matching.search import listings_search, search_params_parse
from matching.services import listings, matches

# Searching lists: words, distance from a place, and two more orderings.
SEARCH_PARAMETERS = [
    OpenApiParameter("q", str, description="Words in title, description, organisation name or place."),
    OpenApiParameter("near", str, description="A place name from the gazetteer, or an organisation id."),
    OpenApiParameter("within_km", float, description="Only items within this distance of `near` (0–300)."),
    OpenApiParameter(
        "ordering",
        str,
        description="Also `distance` (needs `near`) and `relevance` (with `q`); each item then has `distance_km`.",
    ),
]


class _ListingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    model: type[Offer] | type[Request]
    input_serializer: type
    output_serializer: type
    ordering_fields = ["created_at", "published_at", "title"]
    # Newest first by id: bulk-loaded rows share one created_at, and the primary key index serves this order.
    ordering = ["-id"]

    def get_serializer_class(self) -> type:
        return self.output_serializer

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        if self.model is Offer and not self.request.user.is_authenticated:
            return selectors.offers_public()
        visible = selectors.offers_visible_to if self.model is Offer else selectors.requests_visible_to
        return visible(self.request.user)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        if self.action != "list":
            return queryset
        params = self.request.query_params
        search = search_params_parse(  # bad input: ValidationError, answered 400 per field
            q=params.get("q"),
            near=params.get("near"),
            within_km=params.get("within_km"),
            ordering=params.get("ordering"),
        )
        ordering = search.ordering if search.ordering in ("distance", "relevance", "") else "keep"
        if ordering == "" and "ordering" not in params and search.is_empty:
            ordering = "keep"
        return listings_search(
            queryset, text=search.text, origin=search.origin, within_km=search.within_km, ordering=ordering
        )

    def _writable(self) -> Offer | Request:
        listing = self.get_object()
        if not selectors.can_edit(self.request.user, listing):
            raise PermissionDenied(_("Only members of the organisation can change this."))
        return listing

    def _out(self, listing: Offer | Request, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.output_serializer(listing).data, status=code)

    def create(self, request: ApiRequest, *args: Any, **kwargs: Any) -> Response:
        serializer = self.input_serializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organisation = data.pop("organisation", None)
        if organisation is None:
            organisation = access.active_organisation(request.user)
            if organisation is None:
                raise PermissionDenied(_("Create or join an organisation first."))
        listing = listings.listing_create(self.model, organisation=organisation, by=request.user, **data)
        return self._out(listing, status.HTTP_201_CREATED)

    def _update(self, request: ApiRequest, partial: bool) -> Response:
        listing = self._writable()
        serializer = self.input_serializer(data=request.data, partial=partial, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("organisation", None)  # an item never moves to another organisation
        if partial:
            data = {k: v for k, v in data.items() if k in request.data}
        listing = listings.listing_update(listing, by=request.user, **data)
        return self._out(listing)

    def update(self, request: ApiRequest, *args: Any, **kwargs: Any) -> Response:
        return self._update(request, partial=False)

    def partial_update(self, request: ApiRequest, *args: Any, **kwargs: Any) -> Response:
        return self._update(request, partial=True)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def publish(self, request: ApiRequest, pk: str | None = None) -> Response:
        return self._out(listings.listing_publish(self._writable(), by=request.user))

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def close(self, request: ApiRequest, pk: str | None = None) -> Response:
        return self._out(listings.listing_close(self._writable(), by=request.user))

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def reopen(self, request: ApiRequest, pk: str | None = None) -> Response:
        return self._out(listings.listing_reopen(self._writable(), by=request.user))


# Slots are not bounded here: too few or too many is the rule book's `capacity` rule.
class AskInput(serializers.Serializer):
    request = serializers.IntegerField(help_text="One of your school's open requests.")
    slots = serializers.IntegerField(default=1, help_text="At least 1, at most what both have free.")


class ProposeInput(serializers.Serializer):
    offer = serializers.IntegerField(help_text="One of your company's open offers.")
    slots = serializers.IntegerField(default=1, help_text="At least 1, at most what both have free.")


class BrokenRuleOutput(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class RulesBrokenOutput(serializers.Serializer):
    rules = BrokenRuleOutput(many=True, help_text="Every matching rule the pair breaks (DESIGN §4).")


def _self_service(request: ApiRequest, offer_id: int, request_id: int, slots: int, source: str) -> Response:
    offer, listing_request = selectors.self_service_pair(
        request.user, offer_id=offer_id, request_id=request_id, source=source
    )
    # A refused pair raises RulesBroken: the API's error handler answers 400 {"rules": [...]}.
    match = matches.match_propose(
        offer=offer, request=listing_request, slots=slots, source=source, by=request.user
    )
    return Response(
        MatchOutputSerializer(match, context={"request": request}).data, status=status.HTTP_201_CREATED
    )


@extend_schema(request=OfferInputSerializer, responses=OfferOutputSerializer)
@extend_schema_view(list=extend_schema(parameters=SEARCH_PARAMETERS))
class OfferViewSet(_ListingViewSet, mixins.CreateModelMixin, mixins.UpdateModelMixin):
    """Companies' offers. Open offers are readable by every signed-in person; without an account,
    the open offers of verified companies with their public fields only (the public catalogue)."""

    model = Offer
    queryset = Offer.objects.none()
    input_serializer = OfferInputSerializer
    output_serializer = OfferOutputSerializer
    filterset_class = OfferFilter
    ordering_fields = [*_ListingViewSet.ordering_fields, "available_from", "available_until", "capacity"]

    def get_permissions(self) -> list:
        if self.action in ("list", "retrieve"):
            return [permissions.AllowAny()]  # anonymous readers get offers_public(), throttled as "anon"
        return super().get_permissions()

    def get_serializer_class(self) -> type:
        if not getattr(self, "swagger_fake_view", False) and not self.request.user.is_authenticated:
            return OfferPublicSerializer
        return super().get_serializer_class()

    @extend_schema(request=AskInput, responses={201: MatchOutputSerializer, 400: RulesBrokenOutput})
    @action(detail=True, methods=["post"])
    def ask(self, request: ApiRequest, pk: str | None = None) -> Response:
        """A school asks this open offer directly for one of its requests; the company answers."""
        data = AskInput(data=request.data)
        data.is_valid(raise_exception=True)
        return _self_service(
            request, int(pk), data.validated_data["request"], data.validated_data["slots"], "school"
        )


@extend_schema(request=RequestInputSerializer, responses=RequestOutputSerializer)
@extend_schema_view(list=extend_schema(parameters=SEARCH_PARAMETERS))
class RequestViewSet(_ListingViewSet, mixins.CreateModelMixin, mixins.UpdateModelMixin):
    """Schools' requests. Open requests are readable by company staff and coordinators."""

    model = Request
    queryset = Request.objects.none()
    input_serializer = RequestInputSerializer
    output_serializer = RequestOutputSerializer
    filterset_class = RequestFilter
    ordering_fields = [*_ListingViewSet.ordering_fields, "wanted_from", "wanted_until", "slots"]

    @extend_schema(request=ProposeInput, responses={201: MatchOutputSerializer, 400: RulesBrokenOutput})
    @action(detail=True, methods=["post"])
    def propose(self, request: ApiRequest, pk: str | None = None) -> Response:
        """A company offers one of its open offers to this request; the school answers."""
        data = ProposeInput(data=request.data)
        data.is_valid(raise_exception=True)
        return _self_service(
            request, data.validated_data["offer"], int(pk), data.validated_data["slots"], "company"
        )
