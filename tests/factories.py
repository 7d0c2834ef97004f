from __future__ import annotations

import io
import zipfile

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
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


# --- Uploads (issue 18) -----------------------------------------------------------------------

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def pdf_upload(name: str = "praktijkovereenkomst.pdf", size: int | None = None) -> SimpleUploadedFile:
    """A real (minimal) PDF; `size` pads it to that many bytes."""
    content = MINIMAL_PDF if size is None else MINIMAL_PDF + b"0" * (size - len(MINIMAL_PDF))
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def docx_upload(name: str = "pok.docx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def odt_upload(name: str = "pok.odt") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def exe_upload(name: str = "pok.pdf") -> SimpleUploadedFile:
    """A Windows executable header under a document's name."""
    return SimpleUploadedFile(name, b"MZ\x90\x00\x03" + b"\x00" * 200, content_type="application/pdf")


def _activate_totp(user: User) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())


def make_platform_admin(**kwargs: object) -> User:
    """A superuser with TOTP set up (staff cannot work without it either)."""
    user = UserFactory(is_staff=True, is_superuser=True, **kwargs)
    _activate_totp(user)
    return user


def make_api_token(user: User, *, organisation: object = None, **kwargs: object) -> str:
    """A personal API token for `user`; returns the secret for `Authorization: Token <key>`."""
    from accounts.tokens import api_token_create

    return api_token_create(user=user, name=kwargs.pop("name", "test"), organisation=organisation, **kwargs)[
        1
    ]


def held_match(offer: object, request: object, *, on: object, status: str = "completed", slots: int = 1):  # noqa: ANN201
    """A match proposed through the service, then put in the past as held on `on` (a date):
    the lifecycle cannot reach a past date through its services, since dates are never in the past."""
    from matching.models import Match
    from matching.services.matches import match_propose

    match = match_propose(offer=offer, request=request, slots=slots)
    Match.objects.filter(pk=match.pk).update(status=status, activity_date=on, confirmed_at=timezone.now())
    match.refresh_from_db()
    return match
