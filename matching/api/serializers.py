from __future__ import annotations

from typing import Any

from rest_framework import serializers

from accounts import access
from accounts.models import Location, Organisation
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
    "location",
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


class OfferOutputSerializer(serializers.ModelSerializer):
    organisation = OrganisationBriefSerializer(read_only=True)
    free = serializers.IntegerField(read_only=True)
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
        ]
        read_only_fields = fields


class RequestOutputSerializer(serializers.ModelSerializer):
    organisation = OrganisationBriefSerializer(read_only=True)
    free = serializers.IntegerField(read_only=True)
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
        ]
        read_only_fields = fields


class _ListingInput(serializers.Serializer):
    """Plain input validation; the services check the rules that span fields."""

    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.none(),
        required=False,
        help_text="Your active organisation (the default; see X-Organisation).",
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
    location = serializers.PrimaryKeyRelatedField(
        queryset=Location.objects.none(),
        required=False,
        allow_null=True,
        help_text="One of your organisation's locations/sites; matched from its coordinates.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Scope the related field to the caller (DRF does not: encode/django-rest-framework#1985).
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            self.fields["organisation"].queryset = Organisation.objects.filter(
                pk__in=access.acting_org_ids(request.user)
            )
            self.fields["location"].queryset = Location.objects.filter(
                organisation_id__in=access.acting_org_ids(request.user)
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
