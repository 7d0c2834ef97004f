from __future__ import annotations

from rest_framework import serializers

from accounts import access
from accounts.models import ApiToken, Invitation, JoinRequest, Location, Membership, Organisation, User
from accounts.services.organisations import PLACE_FIELDS


class OrganisationOutputSerializer(serializers.ModelSerializer):
    verified = serializers.BooleanField(source="is_verified", read_only=True)
    # Often empty: a URL field's "uri" format would reject the "" the API answers.
    website = serializers.CharField(read_only=True, help_text="The organisation's website; may be empty.")

    class Meta:
        model = Organisation
        fields = [
            "id",
            "kind",
            "name",
            "brin",
            "kvk",
            "description",
            "website",
            "place",
            "municipality",
            "latitude",
            "longitude",
            "province",
            "landsdeel",
            "levels",
            "sectors",
            "verified",
            "verified_at",
        ]
        read_only_fields = fields


class MemberOutputSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email")
    name = serializers.CharField(source="user.name")

    class Meta:
        model = Membership
        fields = ["id", "email", "name", "is_admin", "created_at"]
        read_only_fields = fields


class MeOutputSerializer(serializers.ModelSerializer):
    organisations = serializers.SerializerMethodField()
    coordinator_provinces = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = User
        fields = ["id", "email", "name", "language", "organisations", "coordinator_provinces"]
        read_only_fields = fields

    def get_organisations(self, user: User) -> list[dict]:
        active = access.active_membership(user)
        return [
            {
                "id": m.organisation_id,
                "name": m.organisation.name,
                "kind": m.organisation.kind,
                "is_admin": m.is_admin,
                "active": active is not None and m.pk == active.pk,
            }
            for m in access.memberships_of(user)
        ]


class MemberSerializer(serializers.ModelSerializer):
    """A member as the member endpoints answer: keyed by the person's user id."""

    user_id = serializers.IntegerField(source="user.id", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    name = serializers.CharField(source="user.name", read_only=True)

    class Meta:
        model = Membership
        fields = ["user_id", "email", "name", "is_admin", "created_at"]
        read_only_fields = fields


class MemberUpdateInputSerializer(serializers.Serializer):
    is_admin = serializers.BooleanField()


class InvitationInputSerializer(serializers.Serializer):
    email = serializers.EmailField()
    is_admin = serializers.BooleanField(required=False, default=False)


class InvitationOutputSerializer(serializers.ModelSerializer):
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "is_admin",
            "created_at",
            "expires_at",
            "accepted_at",
            "revoked_at",
            "is_open",
        ]
        read_only_fields = fields


class OrganisationUpdateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    website = serializers.URLField(required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    place = serializers.CharField(max_length=100, required=False)
    province = serializers.CharField(max_length=20, required=False, allow_null=True)
    latitude = serializers.FloatField(required=False, allow_null=True)
    longitude = serializers.FloatField(required=False, allow_null=True)
    brin = serializers.CharField(max_length=10, required=False, allow_blank=True)
    kvk = serializers.CharField(max_length=12, required=False, allow_blank=True)
    levels = serializers.ListField(child=serializers.CharField(), required=False)
    sectors = serializers.ListField(child=serializers.CharField(), required=False)


class OrganisationSearchSerializer(serializers.ModelSerializer):
    """What anyone signing up may see of an organisation to find and join it."""

    verified = serializers.BooleanField(source="is_verified", read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "kind", "name", "place", "province", "brin", "kvk", "verified"]
        read_only_fields = fields


class JoinRequestInputSerializer(serializers.Serializer):
    message = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class JoinRequestOutputSerializer(serializers.ModelSerializer):
    user_id = serializers.IntegerField(source="user.id", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    name = serializers.CharField(source="user.name", read_only=True)

    class Meta:
        model = JoinRequest
        fields = [
            "id",
            "organisation",
            "user_id",
            "email",
            "name",
            "message",
            "status",
            "created_at",
            "decided_at",
        ]
        read_only_fields = fields


class TokenInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    read_only = serializers.BooleanField(required=False, default=False)
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class TokenOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "organisation",
            "read_only",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
        ]
        read_only_fields = fields


class TokenCreatedSerializer(TokenOutputSerializer):
    key = serializers.CharField(read_only=True, help_text="The secret; shown this once only.")

    class Meta(TokenOutputSerializer.Meta):
        fields = [*TokenOutputSerializer.Meta.fields, "key"]
        read_only_fields = fields


class LocationInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    number = serializers.CharField(
        max_length=20,
        help_text="Schools: two digits (BRIN + 01 = 12AB01). Companies: 12-digit vestigingsnummer.",
    )
    place = serializers.CharField(max_length=100)
    province = serializers.CharField(max_length=20, required=False, allow_null=True, default=None)
    latitude = serializers.FloatField(required=False, allow_null=True, default=None)
    longitude = serializers.FloatField(required=False, allow_null=True, default=None)
    levels = serializers.ListField(child=serializers.CharField(), required=False, default=list)


class LocationOutputSerializer(serializers.ModelSerializer):
    code = serializers.CharField(read_only=True)

    class Meta:
        model = Location
        fields = [
            "id",
            "organisation",
            "name",
            "number",
            "code",
            *PLACE_FIELDS,
            "levels",
        ]
        read_only_fields = fields
