"""Offers, requests and matches (factory_boy), the lifecycle shortcuts tests need, and uploads.

The factories write rows with the ORM, so a test can set any status or timestamp (a closed offer
of last year, a request published on a chosen day). A listing made through the services, as a
person would, comes from tests.matching.helpers (`open_offer`, `open_request`).
"""

from __future__ import annotations

import io
import zipfile
from datetime import date

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Membership, Organisation, User
from matching.models import Match, Offer, Request
from taxonomy.levels import levels_mask
from taxonomy.subjects import subjects_mask
from tests.accounts.factories import OrganisationFactory
from tests.matching.helpers import LATER, SOON


class ListingFactory(factory.django.DjangoModelFactory):
    """What offers and requests share: an open guest lesson for havo/vwo between SOON and LATER.
    Each kind is a trait: `OfferFactory(internship=True)`."""

    class Meta:
        abstract = True

    kind = "guest_lesson"
    description = ""
    levels = factory.LazyFunction(lambda: ["havo", "vwo"])
    subjects = factory.LazyFunction(lambda: ["ict"])
    # The bit masks the services derive from the code lists (list filters run on them).
    levels_mask = factory.LazyAttribute(lambda o: levels_mask(o.levels))
    subjects_mask = factory.LazyAttribute(lambda o: subjects_mask(o.subjects))
    status = "open"
    published_at = factory.LazyAttribute(lambda o: None if o.status == "draft" else timezone.now())

    class Params:
        guest_lesson = factory.Trait(kind="guest_lesson")
        company_visit = factory.Trait(kind="company_visit")
        internship = factory.Trait(kind="internship", levels=["mbo-3"], subjects=[])
        teacher_internship = factory.Trait(kind="teacher_internship", levels=["havo", "vwo"])


class OfferFactory(ListingFactory):
    class Meta:
        model = Offer

    class Params:
        internship = factory.Trait(kind="internship", levels=["mbo-3"], subjects=[], contract_type="both")
        teacher_internship = factory.Trait(kind="teacher_internship", days=3, learning_goals="Meelopen")

    organisation = factory.SubFactory(OrganisationFactory, kind="company", at=("Enschede", "overijssel"))
    title = factory.Sequence(lambda n: f"Aanbod {n}")
    capacity = 2
    # The company travels far enough to reach every school of the cast (Enschede → Zwolle is ~63 km).
    max_travel_km = 100
    available_from = SOON
    available_until = LATER


class RequestFactory(ListingFactory):
    class Meta:
        model = Request

    organisation = factory.SubFactory(OrganisationFactory, kind="school")
    title = factory.Sequence(lambda n: f"Aanvraag {n}")
    levels = factory.LazyFunction(lambda: ["havo"])
    subjects = factory.LazyFunction(list)
    slots = 1
    wanted_from = SOON
    wanted_until = LATER


class MatchFactory(factory.django.DjangoModelFactory):
    """A match row as it stands (proposed unless told): no notifications, no committed slots.
    For a match that went through the lifecycle, use `confirmed_match` or `held_match`."""

    class Meta:
        model = Match

    offer = factory.SubFactory(OfferFactory)
    request = factory.SubFactory(RequestFactory)
    status = "proposed"
    slots = 1


def member_of(organisation: Organisation) -> User:
    """The organisation's first member: who answers for its side."""
    return Membership.objects.filter(organisation=organisation).order_by("pk").first().user


def confirmed_match(offer: Offer, request: Request, *, slots: int = 1) -> Match:
    """A match proposed and accepted by both sides through the services."""
    from matching.services.matches import match_accept, match_propose

    match = match_propose(offer=offer, request=request, slots=slots)
    match_accept(match=match, by=member_of(request.organisation))
    return match_accept(match=match, by=member_of(offer.organisation))


def held_match(
    offer: Offer, request: Request, *, on: date, status: str = "completed", slots: int = 1
) -> Match:
    """A match proposed through the service, then put in the past as held on `on` (a date):
    the lifecycle cannot reach a past date through its services, since dates are never in the past."""
    from matching.services.matches import match_propose

    match = match_propose(offer=offer, request=request, slots=slots)
    Match.objects.filter(pk=match.pk).update(status=status, activity_date=on, confirmed_at=timezone.now())
    match.refresh_from_db()
    return match


# --- Uploads ------------------------------------------------------------------------------------

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def pdf_upload(name: str = "praktijkovereenkomst.pdf", size: int | None = None) -> SimpleUploadedFile:
    """A real (minimal) PDF; `size` pads it to that many bytes."""
    content = MINIMAL_PDF if size is None else MINIMAL_PDF + b"0" * (size - len(MINIMAL_PDF))
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _zip_upload(name: str, members: dict[str, str]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, text in members.items():
            archive.writestr(member, text)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def docx_upload(name: str = "pok.docx") -> SimpleUploadedFile:
    return _zip_upload(name, {"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})


def odt_upload(name: str = "pok.odt") -> SimpleUploadedFile:
    return _zip_upload(
        name,
        {"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<office:document-content/>"},
    )


def exe_upload(name: str = "pok.pdf") -> SimpleUploadedFile:
    """A Windows executable header under a document's name."""
    return SimpleUploadedFile(name, b"MZ\x90\x00\x03" + b"\x00" * 200, content_type="application/pdf")
