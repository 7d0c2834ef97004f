from __future__ import annotations

from rest_framework import serializers

from accounts.models import Membership, Organisation, User


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
        return [
            {
                "id": m.organisation_id,
                "name": m.organisation.name,
                "kind": m.organisation.kind,
                "is_admin": m.is_admin,
            }
            for m in user.memberships.select_related("organisation")
        ]
