"""People and organisations: users, organisations, memberships, coordinators, platform admins
and API tokens."""

from __future__ import annotations

import factory
from django.utils import timezone

from accounts.models import CoordinatorRegion, Membership, Organisation, User
from taxonomy.places import get_place
from taxonomy.regions import landsdeel_of

# Every factory-made user signs in with this password.
PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.nl")
    name = factory.Faker("name", locale="nl_NL")
    language = "nl"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.get_or_create(user=self, email=self.email, verified=True, primary=True)
            self.save()


def place_fields(name: str, province: str | None = None) -> dict:
    """The address fields of an organisation in the place `name` (coordinates included)."""
    place = get_place(name, province)
    assert place is not None, name
    return {
        "place": place.name,
        "municipality": place.municipality,
        "province": place.province,
        "landsdeel": landsdeel_of(place.province),
        "latitude": place.lat,
        "longitude": place.lon,
    }


class OrganisationFactory(factory.django.DjangoModelFactory):
    """A verified school in Zwolle unless told otherwise; `at="Enschede"` or
    `at=("Hengelo", "overijssel")` places it elsewhere."""

    class Meta:
        model = Organisation

    kind = "school"
    name = factory.Sequence(lambda n: f"Organisation {n}")
    place = "Zwolle"
    municipality = "Zwolle"
    province = "overijssel"
    landsdeel = "oost"
    latitude = 52.5125
    longitude = 6.0944
    verified_at = factory.LazyFunction(timezone.now)
    brin = factory.LazyAttributeSequence(
        lambda o, n: (
            f"{10 + n // 676 % 90:02d}{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}"
            if o.kind == "school"
            else None
        )
    )
    kvk = factory.LazyAttributeSequence(lambda o, n: f"{30000000 + n}" if o.kind == "company" else None)
    levels = factory.LazyAttribute(lambda o: ["havo", "vwo"] if o.kind == "school" else [])
    sectors = factory.LazyAttribute(lambda o: ["ict"] if o.kind == "company" else [])

    @classmethod
    def _adjust_kwargs(cls, **kwargs: object) -> dict:
        at = kwargs.pop("at", None)
        if at:
            kwargs.update(place_fields(*at) if isinstance(at, tuple) else place_fields(at))  # type: ignore[arg-type]
        return kwargs


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    is_admin = False


def activate_totp(user: User) -> None:
    """Set up an authenticator app for `user` (once)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())


def make_coordinator(*provinces: str, two_factor: bool = True, **kwargs: object) -> User:
    """A coordinator of `provinces`; with TOTP set up unless `two_factor=False` (a coordinator
    without it is sent to set it up before anything else)."""
    user = UserFactory(**kwargs)
    for province in provinces:
        CoordinatorRegion.objects.create(user=user, province=province)
    if two_factor:
        activate_totp(user)
    return user


def make_platform_admin(**kwargs: object) -> User:
    """A superuser with TOTP set up (staff cannot work without it either)."""
    user = UserFactory(is_staff=True, is_superuser=True, **kwargs)
    activate_totp(user)
    return user


def make_api_token(user: User, *, organisation: object = None, **kwargs: object) -> str:
    """A personal API token for `user`; returns the secret for `Authorization: Token <key>`."""
    from accounts.tokens import api_token_create

    name = kwargs.pop("name", "test")
    return api_token_create(user=user, name=name, organisation=organisation, **kwargs)[1]
