"""Coordinator reports: the dashboard's KPIs and the monitor as JSON, for the caller's scope.

GET /api/v1/reports/kpis/?scope=&year=  and  GET /api/v1/reports/monitor/?year=
403 for anyone who coordinates no province, and for a region the caller does not cover."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from oversight.access import scope_provinces
from oversight.selectors.kpis import dashboard_figures, monitor_figures
from oversight.selectors.scope import MINE, ScopeError, monitor_regions, scope_resolve, year_resolve


class IsCoordinator(BasePermission):
    message = "Only coordinators (and platform admins) see reports."

    def has_permission(self, request: Request, view: object) -> bool:
        return bool(scope_provinces(request.user))


# --- input ------------------------------------------------------------------------------------


class YearQuerySerializer(serializers.Serializer):
    year = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_year(self, value: str) -> int:
        try:
            return year_resolve(value)
        except ScopeError as exc:
            raise serializers.ValidationError(str(exc.args[0])) from None


class ReportQuerySerializer(YearQuerySerializer):
    scope = serializers.CharField(required=False, default=MINE)

    def validate_scope(self, value: str):  # noqa: ANN201
        try:
            # PermissionDenied (a real region the caller does not cover) passes through: 403.
            return scope_resolve(self.context["user"], value)
        except ScopeError as exc:
            raise serializers.ValidationError(str(exc.args[0])) from None


SCOPE_PARAMETER = OpenApiParameter(
    "scope",
    str,
    description='"mine" (default: your provinces), a landsdeel you cover completely '
    '(noord, noordwest, oost, zuidoost, zuidwest) or "national" (platform admins).',
)
YEAR_PARAMETER = OpenApiParameter(
    "year",
    int,
    description="The school year by its first calendar year (2026 for 2026/27); default the current "
    "one. The current year and the four before it.",
)


# --- output -----------------------------------------------------------------------------------


class GenderOutputSerializer(serializers.Serializer):
    recorded = serializers.IntegerField(allow_null=True, help_text="Students recorded; null when 1–4.")
    girls = serializers.IntegerField(allow_null=True, help_text="null when suppressed.")
    boys = serializers.IntegerField(allow_null=True, help_text="null when suppressed.")
    other_or_unknown = serializers.IntegerField(allow_null=True, help_text="null when suppressed.")
    small_cells = serializers.ListField(
        child=serializers.CharField(),
        help_text="The suppressed fields whose count is 1–4 (the others were hidden so these "
        "cannot be worked out).",
    )


class YearFiguresOutputSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    year_label = serializers.CharField()
    confirmed = serializers.IntegerField(
        help_text="Activities confirmed, not (yet) said to have taken place."
    )
    completed = serializers.IntegerField(
        help_text="Activities a side said took place (completed or evaluated)."
    )
    completed_automatically = serializers.IntegerField(
        help_text="Of the completed ones: completed by the old automatic rule, before sides were asked."
    )
    activities = serializers.IntegerField(help_text="Activities that took place: the completed ones.")
    unconfirmed = serializers.IntegerField(help_text="Confirmed, and nobody answered 14 days after the date.")
    not_held = serializers.IntegerField(help_text="A side said it did not take place.")
    disputed = serializers.IntegerField(help_text="One side said it took place, the other not.")
    schools_total = serializers.IntegerField(help_text="Verified schools.")
    schools_reached = serializers.IntegerField()
    schools_reached_share = serializers.FloatField(allow_null=True, help_text="Percentage.")
    active_companies = serializers.IntegerField()
    internship_places_offered = serializers.IntegerField()
    internship_places_filled = serializers.IntegerField()
    internship_gender = GenderOutputSerializer()


class KpisOutputSerializer(YearFiguresOutputSerializer):
    open_requests = serializers.IntegerField()
    stale_requests = serializers.IntegerField(
        help_text="Open for more than 14 days without a proposed, confirmed or done match."
    )
    awaiting_answer = serializers.IntegerField(help_text="Proposals awaiting an answer.")


class ScopeOutputSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    provinces = serializers.ListField(child=serializers.CharField())


class MonthOutputSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    proposals = serializers.IntegerField()
    activities = serializers.IntegerField()


class CountOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class KpiReportOutputSerializer(serializers.Serializer):
    scope = ScopeOutputSerializer()
    year = serializers.IntegerField()
    year_label = serializers.CharField()
    kpis = KpisOutputSerializer()
    trends = MonthOutputSerializer(many=True)
    by_kind = CountOutputSerializer(many=True)
    by_level = CountOutputSerializer(many=True)
    by_subject = CountOutputSerializer(many=True)


class YearCountOutputSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    count = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True, help_text="Percentage of total, where it applies.")


class BreakdownOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    total = serializers.IntegerField(allow_null=True)
    per_year = YearCountOutputSerializer(many=True)


class TeacherSubjectOutputSerializer(serializers.Serializer):
    subject = serializers.CharField(help_text="Subject code; empty when not stated.")
    label = serializers.CharField()
    count = serializers.IntegerField()


class TeacherInternshipsOutputSerializer(serializers.Serializer):
    teachers = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Teachers who wrote a reflection after a teacher internship, per school year in `years`.",
    )
    by_subject = TeacherSubjectOutputSerializer(many=True, help_text="For the last school year.")


class HeldOutputSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    activities = serializers.IntegerField(help_text="Guest lessons, visits and teacher internships held.")
    guest_lessons = serializers.IntegerField()
    company_visits = serializers.IntegerField()
    teacher_internships = serializers.IntegerField()
    internship_places = serializers.IntegerField(help_text="Places of internships held.")


class TargetOutputSerializer(serializers.Serializer):
    provinces = serializers.DictField(
        child=serializers.IntegerField(), help_text="Target percent per province."
    )
    schools = serializers.IntegerField(
        allow_null=True, help_text="Verified schools of the provinces with a target."
    )
    schools_target = serializers.IntegerField(allow_null=True)
    schools_reached = serializers.IntegerField(allow_null=True, help_text="In the selected school year.")
    met = serializers.BooleanField(allow_null=True)


class TrendOutputSerializer(serializers.Serializer):
    change = serializers.IntegerField(allow_null=True)
    percent = serializers.FloatField(allow_null=True)


class RegionOutputSerializer(ScopeOutputSerializer):
    years = YearFiguresOutputSerializer(many=True)
    held = HeldOutputSerializer(many=True, help_text="Completed activities only, per school year.")
    target = TargetOutputSerializer()
    trend = serializers.DictField(
        child=TrendOutputSerializer(), help_text="The selected school year against the one before."
    )
    schools_by_level = BreakdownOutputSerializer(many=True)
    companies_by_sector = BreakdownOutputSerializer(many=True)
    activities_by_kind = BreakdownOutputSerializer(many=True)
    teacher_internships = TeacherInternshipsOutputSerializer()


class MonitorOutputSerializer(serializers.Serializer):
    years = serializers.ListField(child=serializers.IntegerField())
    year_labels = serializers.ListField(child=serializers.CharField())
    regions = RegionOutputSerializer(many=True)


# --- views ------------------------------------------------------------------------------------


class KpiReportView(APIView):
    """KPIs, monthly trends and breakdowns for a scope and school year (the dashboard's figures)."""

    permission_classes = [IsAuthenticated, IsCoordinator]

    @extend_schema(
        parameters=[SCOPE_PARAMETER, YEAR_PARAMETER],
        responses=KpiReportOutputSerializer,
        tags=["reports"],
    )
    def get(self, request: Request) -> Response:
        query = ReportQuerySerializer(data=request.query_params, context={"user": request.user})
        query.is_valid(raise_exception=True)
        scope, year = query.validated_data["scope"], query.validated_data["year"]
        figures = dashboard_figures(scope.provinces, year)
        data = {"scope": {"key": scope.key, "label": scope.label, "provinces": scope.provinces}, **figures}
        return Response(KpiReportOutputSerializer(data).data)


class MonitorReportView(APIView):
    """The monitor: per landsdeel (and the country for platform admins), this school year and
    the two before it."""

    permission_classes = [IsAuthenticated, IsCoordinator]

    @extend_schema(
        parameters=[
            YEAR_PARAMETER,
            OpenApiParameter("region", str, description="Only this region (a landsdeel key, or mine)."),
        ],
        responses=MonitorOutputSerializer,
        tags=["reports"],
    )
    def get(self, request: Request) -> Response:
        query = YearQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        regions = monitor_regions(request.user)
        chosen = request.query_params.get("region")
        if chosen:
            regions = [region for region in regions if region.key == chosen]
            if not regions:
                raise serializers.ValidationError({"region": ["Choose a region you cover."]})
        figures = monitor_figures(regions, query.validated_data["year"])
        return Response(MonitorOutputSerializer(figures).data)
