from __future__ import annotations

from typing import Any

from rest_framework import serializers

from accounts.models import Membership, Organisation
from matching.models import ContractType, ListingLanguage, Offer, Request
from taxonomy.kinds import Kind
from taxonomy.levels import Level
from taxonomy.subjects import Subject


class OrganisationBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "place", "province", "landsdeel", "latitude", "longitude"]
        read_only_fields = fields


_LISTING_OUT = [
    "id",
    "organisation",
    "kind",
    "title",
    "description",
    "levels",
    "subjects",
    "max_travel_km",
    "crebo",
    "status",
    "committed",
    "created_at",
    "updated_at",
    "published_at",
    "closed_at",
]


class _DistanceField(serializers.SerializerMethodField):
    """`distance_km` (one decimal) when the list was searched `near` a place, else null."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(method_name="get_distance_km", **kwargs)


def _distance_km(listing: Offer | Request) -> float | None:
    distance = getattr(listing, "distance_km", None)
    return None if distance is None else round(distance, 1)


class OfferOutputSerializer(serializers.ModelSerializer):
    organisation = OrganisationBriefSerializer(read_only=True)
    free = serializers.IntegerField(read_only=True)
    distance_km = _DistanceField()
    # Blank for every kind but internships; the schema must say so (DRF drops allow_blank on read-only).
    contract_type = serializers.ChoiceField(choices=ContractType.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Offer
        fields = [
            *_LISTING_OUT,
            "capacity",
            "free",
            "online",
            "available_from",
            "available_until",
            "language",
            "contact_person",
            "contract_type",
            "sbb_recognised",
            "vog_date",
            "distance_km",
        ]
        read_only_fields = fields

    def get_distance_km(self, listing: Offer) -> float | None:
        return _distance_km(listing)


class PublicOrganisationSerializer(serializers.ModelSerializer):
    """An organisation as the public catalogue shows it: no e-mail, phone or people."""

    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "place", "province", "latitude", "longitude"]
        read_only_fields = fields


class OfferPublicSerializer(serializers.ModelSerializer):
    """An open offer for readers without an account: public fields only (issue 19)."""

    organisation = PublicOrganisationSerializer(read_only=True)
    free = serializers.IntegerField(read_only=True)
    distance_km = _DistanceField()

    class Meta:
        model = Offer
        fields = [
            "id",
            "organisation",
            "kind",
            "title",
            "description",
            "levels",
            "subjects",
            "capacity",
            "free",
            "online",
            "available_from",
            "available_until",
            "language",
            "published_at",
            "distance_km",
        ]
        read_only_fields = fields

    def get_distance_km(self, listing: Offer) -> float | None:
        return _distance_km(listing)


class RequestOutputSerializer(serializers.ModelSerializer):
    organisation = OrganisationBriefSerializer(read_only=True)
    free = serializers.IntegerField(read_only=True)
    distance_km = _DistanceField()
    contract_type = serializers.ChoiceField(choices=ContractType.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Request
        fields = [
            *_LISTING_OUT,
            "slots",
            "free",
            "online_ok",
            "wanted_from",
            "wanted_until",
            "preferred_dates",
            "vog_required",
            "contract_type",
            "distance_km",
        ]
        read_only_fields = fields

    def get_distance_km(self, listing: Request) -> float | None:
        return _distance_km(listing)


class _ListingInput(serializers.Serializer):
    """Plain input validation; the services check the rules that span fields."""

    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.none(),
        required=False,
        help_text="Your organisation (defaults to your first one). Only organisations you belong to.",
    )
    kind = serializers.ChoiceField(choices=Kind.choices)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    levels = serializers.ListField(child=serializers.ChoiceField(choices=Level.choices), allow_empty=False)
    subjects = serializers.ListField(
        child=serializers.ChoiceField(choices=Subject.choices), required=False, default=list
    )
    max_travel_km = serializers.FloatField(
        required=False, allow_null=True, default=None, min_value=0.1, max_value=400
    )
    crebo = serializers.ListField(child=serializers.RegexField(r"^\d{5}$"), required=False, default=list)
    contract_type = serializers.ChoiceField(
        choices=ContractType.choices, required=False, allow_blank=True, default=""
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Scope the related field to the caller (DRF does not: encode/django-rest-framework#1985).
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            self.fields["organisation"].queryset = Organisation.objects.filter(
                pk__in=Membership.objects.filter(user=request.user).values("organisation_id")
            )


class OfferInputSerializer(_ListingInput):
    capacity = serializers.IntegerField(min_value=1, max_value=10000)
    online = serializers.BooleanField(required=False, default=False)
    available_from = serializers.DateField()
    available_until = serializers.DateField()
    language = serializers.ChoiceField(choices=ListingLanguage.choices, required=False, default="nl")
    sbb_recognised = serializers.BooleanField(required=False, default=False)
    vog_date = serializers.DateField(required=False, allow_null=True, default=None)


class RequestInputSerializer(_ListingInput):
    slots = serializers.IntegerField(min_value=1, max_value=10000)
    online_ok = serializers.BooleanField(required=False, default=False)
    wanted_from = serializers.DateField()
    wanted_until = serializers.DateField()
    preferred_dates = serializers.CharField(required=False, allow_blank=True, default="")
    vog_required = serializers.BooleanField(required=False, default=False)
