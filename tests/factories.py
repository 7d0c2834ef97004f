from __future__ import annotations

import factory
from django.utils import timezone

from accounts.models import CoordinatorRegion, Membership, Organisation, User
from taxonomy.places import get_place
from taxonomy.regions import landsdeel_of


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.nl")
    name = factory.Faker("name", locale="nl_NL")
    language = "nl"
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery-9")

    @factory.post_generation
    def verified_email(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.get_or_create(user=self, email=self.email, verified=True, primary=True)
            self.save()


def _place(name: str, province: str | None = None) -> dict:
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
            kwargs.update(_place(*at) if isinstance(at, tuple) else _place(at))  # type: ignore[arg-type]
        return kwargs


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    is_admin = False


def make_coordinator(*provinces: str, **kwargs: object) -> User:
    """A coordinator with TOTP set up (coordinators cannot work without it)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user = UserFactory(**kwargs)
    for province in provinces:
        CoordinatorRegion.objects.create(user=user, province=province)
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())
    return user


def held_match(offer: object, request: object, *, on: object, status: str = "completed", slots: int = 1):  # noqa: ANN201
    """A match proposed through the service, then put in the past as held on `on` (a date):
    the lifecycle cannot reach a past date through its services, since dates are never in the past."""
    from matching.models import Match
    from matching.services.matches import match_propose

    match = match_propose(offer=offer, request=request, slots=slots, score=0.5, explanation={})
    Match.objects.filter(pk=match.pk).update(status=status, activity_date=on, confirmed_at=timezone.now())
    match.refresh_from_db()
    return match
