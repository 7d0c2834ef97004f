from __future__ import annotations

from django.db.models import F, Q, QuerySet
from django_filters import rest_framework as filters

from accounts import access
from matching.models import Offer, Request
from taxonomy.kinds import Kind
from taxonomy.levels import LEVEL_BIT, Level
from taxonomy.regions import Landsdeel, Province
from taxonomy.subjects import SUBJECT_BIT, Subject


class _ListingFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=Kind.choices)
    level = filters.ChoiceFilter(choices=Level.choices, method="filter_level")
    subject = filters.ChoiceFilter(
        choices=Subject.choices,
        method="filter_subject",
        help_text="Items listing this subject, or no subject (any).",
    )
    province = filters.ChoiceFilter(choices=Province.choices, field_name="organisation__province")
    landsdeel = filters.ChoiceFilter(choices=Landsdeel.choices, field_name="organisation__landsdeel")
    organisation = filters.NumberFilter(field_name="organisation_id")
    mine = filters.BooleanFilter(method="filter_mine", help_text="Only your own organisation's items.")

    def filter_level(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.annotate(_lv=F("levels_mask").bitand(LEVEL_BIT[value])).filter(_lv__gt=0)

    def filter_subject(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.annotate(_sj=F("subjects_mask").bitand(SUBJECT_BIT[value])).filter(
            Q(_sj__gt=0) | Q(subjects_mask=0)
        )

    def filter_mine(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        if not self.request.user.is_authenticated:  # public readers have no organisation
            return queryset.none() if value else queryset
        own = access.acting_org_ids(self.request.user)
        return (
            queryset.filter(organisation_id__in=own) if value else queryset.exclude(organisation_id__in=own)
        )


class OfferFilter(_ListingFilter):
    status = filters.ChoiceFilter(choices=Offer.Status.choices)
    online = filters.BooleanFilter()
    available_on_or_after = filters.DateFilter(field_name="available_until", lookup_expr="gte")
    available_on_or_before = filters.DateFilter(field_name="available_from", lookup_expr="lte")

    class Meta:
        model = Offer
        fields: list[str] = []


class RequestFilter(_ListingFilter):
    status = filters.ChoiceFilter(choices=Request.Status.choices)
    online_ok = filters.BooleanFilter()
    wanted_on_or_after = filters.DateFilter(field_name="wanted_until", lookup_expr="gte")
    wanted_on_or_before = filters.DateFilter(field_name="wanted_from", lookup_expr="lte")

    class Meta:
        model = Request
        fields: list[str] = []
