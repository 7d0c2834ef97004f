"""Matches in the REST API: list/detail and the actions accept, decline, cancel, schedule, outcome,
feedback."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request as ApiRequest
from rest_framework.response import Response

from matching import selectors
from matching.api.serializers import OrganisationBriefSerializer
from matching.models import Attachment, Match, MatchMessage, Placement
from matching.services import documents, matches, outcomes, placements, scheduling
from matching.services.messages import match_message_post
from taxonomy.holidays import table_snapshot


class MatchOutputSerializer(serializers.ModelSerializer):
    offer = serializers.SerializerMethodField()
    request = serializers.SerializerMethodField()
    contacts = serializers.SerializerMethodField()
    pending_change = serializers.SerializerMethodField()
    in_school_holidays = serializers.SerializerMethodField()
    outcome = serializers.SerializerMethodField()

    class Meta:
        model = Match
        fields = [
            "id",
            "status",
            "source",
            "slots",
            "score",
            "explanation",
            "offer",
            "request",
            "activity_date",
            "activity_until",
            "hours_per_week",
            "activity_start",
            "activity_end",
            "pending_change",
            "in_school_holidays",
            "expires_at",
            "school_accepted_at",
            "company_accepted_at",
            "confirmed_at",
            "outcome",
            "completed_at",
            "completed_automatically",
            "end_reason",
            "created_at",
            "contacts",
        ]
        read_only_fields = fields

    def get_offer(self, match: Match) -> dict:
        return {
            "id": match.offer_id,
            "title": match.offer.title,
            "kind": match.offer.kind,
            "organisation": OrganisationBriefSerializer(match.offer.organisation).data,
        }

    def get_request(self, match: Match) -> dict:
        return {
            "id": match.request_id,
            "title": match.request.title,
            "kind": match.request.kind,
            "organisation": OrganisationBriefSerializer(match.request.organisation).data,
        }

    def get_pending_change(self, match: Match) -> dict | None:
        """A change of the confirmed date that the other side has not accepted yet."""
        if not match.pending_side:
            return None
        return {
            "proposed_by": match.pending_side,
            "activity_date": match.pending_date,
            "activity_until": match.pending_until,
            "hours_per_week": match.pending_hours,
            "activity_start": match.pending_start,
            "activity_end": match.pending_end,
        }

    def get_in_school_holidays(self, match: Match) -> bool:
        # One holiday table for the whole page (the list's items share the root's context).
        if "holidays" not in self.context:
            self.context["holidays"] = table_snapshot()
        return scheduling.in_holidays(match, self.context["holidays"])

    def get_outcome(self, match: Match) -> dict:
        """Each side's answer to "did it take place?" (null: not answered yet)."""
        return {
            side: {
                "held": getattr(match, f"{side}_held"),
                "reason": getattr(match, f"{side}_held_reason"),
                "answered_at": getattr(match, f"{side}_held_at"),
            }
            for side in ("school", "company")
        }

    def get_contacts(self, match: Match) -> dict | None:
        user = self.context["request"].user
        if not selectors.match_contacts_visible(user, match):
            return None
        return selectors.match_contacts(match)


class AttachmentOutput(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(
        help_text="Download link; only the two sides and the coordinator."
    )

    class Meta:
        model = Attachment
        fields = ["id", "name", "type", "size", "created_at", "url"]
        read_only_fields = fields

    def get_url(self, attachment: Attachment) -> str:
        path = reverse("matches:attachment", args=[attachment.match_id, attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class AttachmentInput(serializers.Serializer):
    file = serializers.FileField(
        help_text="PDF, DOCX or ODT, at most 10 MB; the type is read from the content."
    )


class PlacementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Placement
        fields = ["id", "label", "starts_on", "ends_on", "hours_per_week"]
        read_only_fields = ["id"]


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class CancelInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class FeedbackInput(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class MatchMessageOutput(serializers.ModelSerializer):
    """One message of a match's thread. The author appears by name only: e-mail addresses stay
    hidden until the match is confirmed."""

    author_name = serializers.CharField(read_only=True)
    side = serializers.ChoiceField(choices=MatchMessage.Side.choices, read_only=True)

    class Meta:
        model = MatchMessage
        fields = ["id", "author_name", "side", "body", "created_at"]
        read_only_fields = fields


class MatchMessageInput(serializers.Serializer):
    # Blank passes here so that the service gives its one clear message for an empty body.
    body = serializers.CharField(max_length=MatchMessage.MAX_LENGTH, allow_blank=True)


class ScheduleInput(serializers.Serializer):
    activity_date = serializers.DateField()
    activity_until = serializers.DateField(
        required=False, allow_null=True, help_text="Internships and teacher internships: the last day."
    )
    hours_per_week = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=40, help_text="Internships only."
    )
    start = serializers.TimeField(required=False, allow_null=True, help_text="Local time (Europe/Amsterdam).")
    end = serializers.TimeField(required=False, allow_null=True, help_text="Local time (Europe/Amsterdam).")


class OutcomeInput(serializers.Serializer):
    held = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class MatchFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Match.Status.choices)

    class Meta:
        model = Match
        fields = ["status", "source"]


class MatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Matches of your organisation (and, for coordinators, of their provinces)."""

    queryset = Match.objects.none()
    serializer_class = MatchOutputSerializer
    filterset_class = MatchFilter
    ordering_fields = ["created_at", "activity_date", "score"]
    ordering = ["-id"]

    def get_queryset(self) -> QuerySet[Match]:
        if getattr(self, "swagger_fake_view", False):
            return Match.objects.none()
        return selectors.matches_visible_to(self.request.user)

    def _writable(self) -> Match:
        match = self.get_object()
        return selectors.match_get_for(self.request.user, match.pk, write=True)

    def _out(self, match: Match) -> Response:
        match.refresh_from_db()
        return Response(self.get_serializer(match).data)

    @extend_schema(request=None, responses=MatchOutputSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: ApiRequest, pk: str | None = None) -> Response:
        return self._out(matches.match_accept(match=self._writable(), by=request.user))

    @extend_schema(request=ReasonInput, responses=MatchOutputSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: ApiRequest, pk: str | None = None) -> Response:
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        return self._out(
            matches.match_decline(match=self._writable(), by=request.user, **data.validated_data)
        )

    @extend_schema(request=CancelInput, responses=MatchOutputSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: ApiRequest, pk: str | None = None) -> Response:
        data = CancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        return self._out(matches.match_cancel(match=self._writable(), by=request.user, **data.validated_data))

    @extend_schema(request=ScheduleInput, responses=MatchOutputSerializer)
    @action(detail=True, methods=["post"])
    def schedule(self, request: ApiRequest, pk: str | None = None) -> Response:
        """Set or move the activity's date and optional times; a confirmed activity gets an updated invitation."""
        data = ScheduleInput(data=request.data)
        data.is_valid(raise_exception=True)
        return self._out(
            matches.match_set_date(match=self._writable(), by=request.user, **data.validated_data)
        )

    @extend_schema(
        request=OutcomeInput,
        responses={
            200: MatchOutputSerializer,
            400: OpenApiResponse(
                description="too_early before the date; a reason is needed for held: false."
            ),
            403: OpenApiResponse(description="You are not one of the two sides."),
            409: OpenApiResponse(description="Your side already answered (the first answer is kept)."),
        },
        summary="Say whether the activity took place",
    )
    @action(detail=True, methods=["post"])
    def outcome(self, request: ApiRequest, pk: str | None = None) -> Response:
        """held: true from a side completes the match (disputed if the other side said false);
        held: false with a reason makes it not_held and frees the slots."""
        data = OutcomeInput(data=request.data)
        data.is_valid(raise_exception=True)
        return self._out(
            outcomes.match_outcome(match=self._writable(), by=request.user, **data.validated_data)
        )

    @extend_schema(request=FeedbackInput, responses=MatchOutputSerializer)
    @action(detail=True, methods=["post"])
    def feedback(self, request: ApiRequest, pk: str | None = None) -> Response:
        data = FeedbackInput(data=request.data)
        data.is_valid(raise_exception=True)
        match = self._writable()
        outcomes.match_feedback(match=match, by=request.user, **data.validated_data)
        return self._out(match)

    @extend_schema(
        methods=["GET"],
        request=None,
        responses=MatchMessageOutput(many=True),
        summary="The match's conversation thread, oldest first",
        description="Everyone who may see the match reads its thread; others get 404.",
    )
    @extend_schema(
        methods=["POST"],
        request=MatchMessageInput,
        responses={
            201: MatchMessageOutput,
            400: OpenApiResponse(description='Field messages, e.g. {"body": [...]} for an empty body.'),
            403: OpenApiResponse(description="You may see this match but not write in it."),
            404: OpenApiResponse(description="No such match, or not yours to see."),
        },
        summary="Add a message; both sides and the region's coordinators are notified",
        description=(
            "The people of both organisations and the coordinators of the school's or the company's "
            "province may write, in every status of the match. Everyone else in the thread is notified."
        ),
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def messages(self, request: ApiRequest, pk: str | None = None) -> Response:
        match = self.get_object()
        if request.method == "GET":
            rows = selectors.match_messages(match)
            return Response(MatchMessageOutput(rows, many=True).data)
        data = MatchMessageInput(data=request.data)
        data.is_valid(raise_exception=True)
        message = match_message_post(match=match, author=request.user, body=data.validated_data["body"])
        return Response(MatchMessageOutput(message).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], request=None, responses=AttachmentOutput(many=True))
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": AttachmentInput},
        responses={
            201: AttachmentOutput,
            400: OpenApiResponse(description='{"file": [...]}: too large, or not a PDF, DOCX or ODT.'),
            403: OpenApiResponse(description="You may see this match but not add to it."),
            404: OpenApiResponse(description="No such match, or not yours to see."),
        },
        summary="Attach a document (internship and teacher-internship matches)",
    )
    @action(
        detail=True,
        methods=["get", "post"],
        pagination_class=None,
        filter_backends=[],
        parser_classes=[MultiPartParser, FormParser],
    )
    def attachments(self, request: ApiRequest, pk: str | None = None) -> Response:
        match = self.get_object()
        if request.method == "GET":
            return Response(
                AttachmentOutput(match.attachments.all(), many=True, context={"request": request}).data
            )
        match = self._writable()
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"file": [_("Choose a file to upload.")]}, status=status.HTTP_400_BAD_REQUEST)
        attachment = documents.attachment_add(match=match, by=request.user, upload=upload)
        return Response(
            AttachmentOutput(attachment, context={"request": request}).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(methods=["GET"], request=None, responses=PlacementSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=PlacementSerializer,
        responses={201: PlacementSerializer},
        summary="Add one student's placement (school side, confirmed internship matches; no names)",
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def placements(self, request: ApiRequest, pk: str | None = None) -> Response:
        match = self.get_object()
        if request.method == "GET":
            return Response(PlacementSerializer(match.placements.all(), many=True).data)
        match = self._writable()
        data = PlacementSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        placement = placements.placement_add(match=match, by=request.user, **data.validated_data)
        return Response(PlacementSerializer(placement).data, status=status.HTTP_201_CREATED)
