"""An organisation's impact and its own export, for its members and the coordinators of its province.

GET /api/v1/organisations/{id}/impact/?school_year=2026-2027
GET /api/v1/organisations/{id}/export/?school_year=2026-2027&format=csv|excel|xlsx

The school year defaults to the current one; a value that is not a school year answers 400;
someone outside the organisation and its region 403 (oversight.access.organisation_for_figures).
"""

from __future__ import annotations

from django.http import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.services.audit import audit_record
from oversight.access import organisation_for_figures
from oversight.csv_files import CONTENT_TYPES, FORMATS, export_response
from oversight.schoolyear import SchoolYearError, school_year_parse, school_year_slug
from oversight.selectors.impact import EXPORT_COLUMNS, organisation_export_rows, organisation_impact

SCHOOL_YEAR_PARAMETER = OpenApiParameter(
    "school_year", str, description='The school year, e.g. "2026-2027" (default: the current one).'
)


def _organisation(request: Request, pk: str):  # noqa: ANN202
    # The route takes any path segment (like the router's), so a non-number is a JSON 404 too.
    if not (pk.isdigit() and len(pk) <= 18):
        raise NotFound
    return organisation_for_figures(request.user, int(pk))


class SchoolYearQuerySerializer(serializers.Serializer):
    school_year = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_school_year(self, value: str) -> int:
        try:
            return school_year_parse(value)
        except SchoolYearError:
            raise serializers.ValidationError(
                'Give a school year as "2026-2027" (1 August to 31 July).'
            ) from None


class ExportQuerySerializer(SchoolYearQuerySerializer):
    format = serializers.ChoiceField(choices=FORMATS, required=False, default="csv")


class PartnerOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class OrganisationRefOutputSerializer(PartnerOutputSerializer):
    kind = serializers.CharField()


class ImpactOutputSerializer(serializers.Serializer):
    organisation = OrganisationRefOutputSerializer()
    school_year = serializers.CharField(help_text='"2026-2027"')
    activities_held = serializers.IntegerField(help_text="Completed or evaluated activities in the year.")
    activities_by_kind = serializers.DictField(child=serializers.IntegerField())
    pupils_reached = serializers.IntegerField()
    pupils_reached_complete = serializers.BooleanField(
        help_text="False when some held activities have no group size recorded."
    )
    levels = serializers.ListField(child=serializers.CharField())
    subjects = serializers.ListField(child=serializers.CharField())
    internship_places_filled = serializers.IntegerField()
    internship_hours = serializers.IntegerField(allow_null=True, help_text="null when not recorded.")
    teachers_reached = serializers.IntegerField(help_text="Teachers in held teacher internships.")
    partner_organisations = serializers.IntegerField()
    partners = PartnerOutputSerializer(many=True)
    average_rating = serializers.FloatField(allow_null=True, help_text="Given by the other sides, 1–5.")
    ratings_received = serializers.IntegerField()


class OrganisationImpactView(APIView):
    """What the organisation's held activities of a school year achieved."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[SCHOOL_YEAR_PARAMETER], responses=ImpactOutputSerializer, tags=["impact"])
    def get(self, request: Request, pk: str) -> Response:
        organisation = _organisation(request, pk)
        query = SchoolYearQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        figures = organisation_impact(organisation, query.validated_data["school_year"])
        return Response(ImpactOutputSerializer(figures).data)


class IgnoreFormatParameter(DefaultContentNegotiation):
    """`?format=` names the file format here, not one of the API's renderers."""

    def select_renderer(self, request, renderers, format_suffix=None):  # noqa: ANN001, ANN201
        return renderers[0], renderers[0].media_type


class OrganisationExportView(APIView):
    """The organisation's held activities (and internship placements) of a school year as a file."""

    permission_classes = [IsAuthenticated]
    content_negotiation_class = IgnoreFormatParameter

    @extend_schema(
        parameters=[
            SCHOOL_YEAR_PARAMETER,
            OpenApiParameter(
                "format",
                str,
                enum=list(FORMATS),
                description="csv (codes, ISO dates), excel (CSV for Dutch Excel) or xlsx.",
            ),
        ],
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, CONTENT_TYPES["xlsx"]): OpenApiTypes.BINARY,
        },
        tags=["impact"],
    )
    def get(self, request: Request, pk: str) -> HttpResponseBase:
        organisation = _organisation(request, pk)
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        year, fmt = query.validated_data["school_year"], query.validated_data["format"]
        audit_record(
            actor=request.user,
            action="export.organisation",
            object_type="organisation",
            object_id=organisation.pk,
            organisation=organisation,
            data={"school_year": school_year_slug(year), "format": fmt},
            ip_address=request.META.get("REMOTE_ADDR"),
        )
        return export_response(
            fmt=fmt,
            columns=EXPORT_COLUMNS,
            rows=organisation_export_rows(organisation, year),
            filename=f"activities-{organisation.pk}-{school_year_slug(year)}",
            title=school_year_slug(year),
        )
