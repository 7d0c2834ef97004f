"""One list of the fields of an offer and a request (matching/services/listing_fields.py): the API,
a duplicate and the bulk load all follow it, so a field added to the list shows in each of them."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest

from accounts.models import Location
from matching.api.serializers import (
    OfferInputSerializer,
    OfferOutputSerializer,
    RequestInputSerializer,
    RequestOutputSerializer,
)
from matching.dataset import parse_lines
from matching.models import Offer, Request
from matching.services import bulk, copies, listings
from matching.services.listing_fields import (
    BULK_OFFER_FIELDS,
    BULK_REQUEST_FIELDS,
    PRIVATE_FIELDS,
    fields_for,
    public_fields,
)
from tests.accounts.factories import MembershipFactory

pytestmark = pytest.mark.django_db

START = date.today() + timedelta(days=30)
UNTIL = START + timedelta(days=90)


def _offer_data(cast) -> dict:
    """A value other than the default for every field of an offer."""
    site = Location.objects.create(
        organisation=cast.company,
        name="Werkplaats",
        number="000012345678",
        place="Hengelo",
        province="overijssel",
        landsdeel="oost",
        latitude=52.26,
        longitude=6.79,
    )
    return {
        "kind": "internship",
        "title": "Stage mechatronica",
        "description": "Meebouwen aan robots.",
        "levels": ["mbo-3", "mbo-4"],
        "subjects": ["ict"],
        "max_travel_km": 45,
        "crebo": ["25604"],
        "location": site,
        "capacity": 2,
        "online": False,
        "available_from": START,
        "available_until": UNTIL,
        "language": "en",
        "contact_person": cast.hr,
        "contract_type": "bbl",
        "sbb_recognised": True,
        "vog_date": START - timedelta(days=10),
        "max_group_size": 12,
        "duration_minutes": 90,
        "lesson_format": "at_company",
        "guest_brings": "Laptops",
        "public_transport": True,
        "wheelchair_accessible": True,
        "duration_weeks": 10,
        "hours_per_week": 32,
        "allowance_per_month": Decimal("350.00"),
        "bbl_wage_basis": "CAO Metalektro",
        "supervisor_name": "Petra de Vries",
        "supervisor_email": "petra@company.nl",
        "supervisor_phone": "0612345678",
        "sbb_number": "123456789",
        "sbb_crebo": ["25604"],
        "learning_goals": "Solderen",
        "days": 5,
        "department": "Productie",
        "repeat": "monthly",
        "repeat_weekday": 1,
        "repeat_week": 1,
        "capacity_per_occurrence": 2,
    }


def _request_data(cast) -> dict:
    colleague = MembershipFactory(organisation=cast.school).user
    return {
        "kind": "teacher_internship",
        "title": "Docentstage techniek",
        "description": "Een week meelopen.",
        "levels": ["havo"],
        "subjects": ["ict"],
        "max_travel_km": 30,
        "crebo": ["25604"],
        "location": None,  # a school without locations asks from its own address
        "slots": 2,
        "online_ok": True,
        "wanted_from": START,
        "wanted_until": UNTIL,
        "preferred_dates": "Liefst op dinsdag",
        "vog_required": True,
        "contract_type": "bol",
        "contact_person": colleague,
        "group_size": 24,
        "group_count": 2,
        "school_provides": "Een lokaal",
        "sbb_required": True,
        "teacher": cast.teacher,
        "teacher_subject": "ict",
        "bring_back": "Lesideeën",
    }


@pytest.mark.parametrize(
    ("model", "output", "given"),
    [
        (Offer, OfferOutputSerializer, OfferInputSerializer),
        (Request, RequestOutputSerializer, RequestInputSerializer),
    ],
)
def test_the_api_takes_every_field_and_shows_all_but_the_private_ones(model, output, given):
    fields = fields_for(model)
    assert set(given().fields) == {*fields, "organisation"}
    shown = set(output.Meta.fields)
    assert set(public_fields(fields)) <= shown
    assert not shown & set(PRIVATE_FIELDS)


@pytest.mark.parametrize(("model", "data"), [(Offer, _offer_data), (Request, _request_data)])
def test_a_duplicate_copies_every_field(cast, model, data):
    values = data(cast)
    assert set(values) == set(fields_for(model)), "give the new field a value here"
    org, by = (cast.company, cast.hr) if model is Offer else (cast.school, cast.teacher)
    source = listings.listing_create(model, organisation=org, by=by, **values)
    copy = copies.listing_duplicate(source, by=by)
    assert copy.pk != source.pk and copy.status == "draft"
    for name in fields_for(model):
        assert getattr(copy, name) == getattr(source, name), name


def test_the_bulk_load_writes_every_bulk_field():
    offer = {
        "type": "offer",
        "id": "O1",
        "organisation": "C1",
        "kind": "internship",
        "title": "Stage",
        "description": "Robots",
        "levels": ["mbo-4"],
        "subjects": ["ict"],
        "max_travel_km": 40,
        "crebo": ["25604"],
        "capacity": 3,
        "online": False,
        "available_from": START.isoformat(),
        "available_until": UNTIL.isoformat(),
        "language": "en",
        "vog_date": START.isoformat(),
        "sbb_recognised": True,
        "contract_type": "both",
        "max_group_size": 8,
        "sbb_number": "123456789",
        "sbb_crebo": ["25604"],
    }
    request = {
        "type": "request",
        "id": "R1",
        "organisation": "S1",
        "kind": "internship",
        "title": "Stageplek",
        "description": "Mbo 4",
        "levels": ["mbo-4"],
        "subjects": ["ict"],
        "max_travel_km": 30,
        "crebo": ["25604"],
        "slots": 2,
        "online_ok": True,
        "wanted_from": START.isoformat(),
        "wanted_until": UNTIL.isoformat(),
        "vog_required": True,
        "contract_type": "bbl",
        "group_size": 20,
        "sbb_required": True,
    }
    organisations = [
        {
            "type": "organisation",
            "id": "C1",
            "kind": "company",
            "lat": 52.2,
            "lon": 6.9,
            "province": "overijssel",
        },
        {
            "type": "organisation",
            "id": "S1",
            "kind": "school",
            "lat": 52.5,
            "lon": 6.1,
            "province": "overijssel",
        },
    ]
    assert set(offer) - {"type", "id", "organisation"} == set(BULK_OFFER_FIELDS), "add the field to this line"
    assert set(request) - {"type", "id", "organisation"} == set(BULK_REQUEST_FIELDS), (
        "add the field to this line"
    )
    assert set(BULK_OFFER_FIELDS) <= set(fields_for(Offer))
    assert set(BULK_REQUEST_FIELDS) <= set(fields_for(Request))

    lines = [json.dumps(obj) for obj in (*organisations, offer, request)]
    parsed = parse_lines(lines, known_organisations=lambda ids: {})
    assert parsed.errors == []
    # The loader writes (and on a second load updates) exactly what the validator parsed.
    assert {k for k in parsed.offers["O1"] if not k.startswith("_")} == set(bulk.OFFER_UPDATE)
    assert {k for k in parsed.requests["R1"] if not k.startswith("_")} == set(bulk.REQUEST_UPDATE)
    bulk.dataset_load(parsed)
    for model, line in ((Offer, offer), (Request, request)):
        loaded = model.objects.get(external_id=line["id"])
        for name in BULK_OFFER_FIELDS if model is Offer else BULK_REQUEST_FIELDS:
            value = getattr(loaded, name)
            expected = line[name]
            if isinstance(value, date):
                expected = date.fromisoformat(expected)
            assert value == expected, name
