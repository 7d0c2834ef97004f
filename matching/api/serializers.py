from __future__ import annotations

from typing import Any

from rest_framework import serializers

from accounts import access
from accounts.models import Location, Organisation, User
from matching.models import GROUP_SIZE_MAX, ContractType, Offer, Request
from matching.services.listing_fields import OFFER_FIELDS, REQUEST_FIELDS, public_fields
from taxonomy.kinds import Kind
from taxonomy.levels import Level
from taxonomy.subjects import Subject


def _choice(model: type[Offer] | type[Request], name: str, **kwargs: Any) -> serializers.ChoiceField:
    """A choice among the model field's own choices."""
    return serializers.ChoiceField(choices=model._meta.get_field(name).choices, **kwargs)


class OrganisationBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "place", "province", "landsdeel", "latitude", "longitude"]
        read_only_fields = fields


# What the API adds to the fields a person sets (services/listing_fields.py, the same names in and out).
_RECORD = ["status", "committed", "created_at", "updated_at", "published_at", "closed_at", "free"]


class _ListingOutput(serializers.ModelSerializer):
    free = serializers.IntegerField(read_only=True)
    # `distance_km` (one decimal) when the list was searched `near` a place, else null.
    distance_km = serializers.SerializerMethodField()

    def get_distance_km(self, listing: Offer | Request) -> float | None:
        distance = getattr(listing, "distance_km", None)
        return None if distance is None else round(distance, 1)


class OfferOutputSerializer(_ListingOutput):
    organisation = OrganisationBriefSerializer(read_only=True)
    # Blank for every kind but internships; the schema must say so (DRF drops allow_blank on read-only).
    contract_type = _choice(Offer, "contract_type", allow_blank=True, read_only=True)
    lesson_format = _choice(Offer, "lesson_format", allow_blank=True, read_only=True)
    repeat = _choice(Offer, "repeat", allow_blank=True, read_only=True)

    class Meta:
        model = Offer
        fields = [
            "id",
            "organisation",
            *public_fields(OFFER_FIELDS),
            *_RECORD,
            "sbb_checked_at",
            "distance_km",
        ]
        read_only_fields = fields


class PublicOrganisationSerializer(serializers.ModelSerializer):
    """An organisation as the public catalogue shows it: no e-mail, phone or people."""

    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "place", "province", "latitude", "longitude"]
        read_only_fields = fields


class OfferPublicSerializer(_ListingOutput):
    """An open offer for readers without an account: public fields only."""

    organisation = PublicOrganisationSerializer(read_only=True)

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


class RequestOutputSerializer(_ListingOutput):
    organisation = OrganisationBriefSerializer(read_only=True)
    contract_type = _choice(Request, "contract_type", allow_blank=True, read_only=True)

    class Meta:
        model = Request
        fields = ["id", "organisation", *public_fields(REQUEST_FIELDS), *_RECORD, "distance_km"]
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


def _member() -> serializers.PrimaryKeyRelatedField:
    # Any user id parses; the service answers a field error unless they are a member.
    return serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)


def _group() -> serializers.IntegerField:
    return serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=GROUP_SIZE_MAX)


def _text(max_length: int | None = None) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, max_length=max_length)


class OfferInputSerializer(_ListingInput):
    capacity = serializers.IntegerField(min_value=1, max_value=10000)
    online = serializers.BooleanField(required=False, default=False)
    available_from = serializers.DateField()
    available_until = serializers.DateField()
    language = _choice(Offer, "language", required=False, default="nl")
    sbb_recognised = serializers.BooleanField(required=False, default=False)
    vog_date = serializers.DateField(required=False, allow_null=True, default=None)
    contact_person = _member()
    max_group_size = _group()
    duration_minutes = serializers.IntegerField(required=False, allow_null=True, min_value=5, max_value=1440)
    lesson_format = _choice(Offer, "lesson_format", required=False, allow_blank=True)
    guest_brings = _text()
    public_transport = serializers.BooleanField(required=False)
    wheelchair_accessible = serializers.BooleanField(required=False)
    duration_weeks = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=104)
    hours_per_week = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=60)
    allowance_per_month = serializers.DecimalField(
        max_digits=7, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    bbl_wage_basis = _text(200)
    supervisor_name = _text(200)
    supervisor_email = serializers.EmailField(required=False, allow_blank=True)
    supervisor_phone = _text(30)
    sbb_number = serializers.CharField(required=False, allow_blank=True, max_length=20)
    sbb_crebo = serializers.ListField(child=serializers.RegexField(r"^\d{5}$"), required=False)
    learning_goals = _text()
    days = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=60)
    department = _text(200)
    repeat = _choice(Offer, "repeat", required=False, allow_blank=True)
    repeat_weekday = _choice(Offer, "repeat_weekday", required=False, allow_null=True)
    repeat_week = _choice(Offer, "repeat_week", required=False, allow_null=True)
    capacity_per_occurrence = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=1000
    )


class RequestInputSerializer(_ListingInput):
    slots = serializers.IntegerField(min_value=1, max_value=10000)
    online_ok = serializers.BooleanField(required=False, default=False)
    wanted_from = serializers.DateField()
    wanted_until = serializers.DateField()
    preferred_dates = serializers.CharField(required=False, allow_blank=True, default="")
    vog_required = serializers.BooleanField(required=False, default=False)
    contract_type = serializers.ChoiceField(
        choices=[ContractType.BOL, ContractType.BBL], required=False, allow_blank=True, default=""
    )
    contact_person = _member()
    group_size = _group()
    group_count = _group()
    school_provides = _text()
    sbb_required = serializers.BooleanField(required=False)
    teacher = _member()
    teacher_subject = serializers.ChoiceField(choices=Subject.choices, required=False, allow_blank=True)
    bring_back = _text()
