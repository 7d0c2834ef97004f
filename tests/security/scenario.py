"""One of every object, on top of the `cast`, for the authorisation matrix (tests/security/matrix/).

Every object is made through the services, as the app makes it. Titles and names are distinct
words, so a list, a CSV or a search result that shows an object it should not is caught by a
plain substring check.

Where things are (the cast's organisations are all in Overijssel):

- cast.school (Zwolle) with `teacher` and `school_admin`; cast.other_school (Enschede) with
  `other_member`; cast.company (Enschede) with `hr`. All in the province of `coordinator`.
- far_school (Rotterdam) and far_company (Den Haag) in Zuid-Holland, the province of
  `coordinator_elsewhere`: their private objects must never reach anyone of the Oost side.
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import ApiToken, AuditEntry, Invitation, JoinRequest, Membership, Organisation, User
from accounts.services.audit import audit_record
from accounts.services.invitations import invitation_create
from accounts.services.memberships import join_request_create
from accounts.tokens import api_token_create
from matching.models import Attachment, Match, MatchMessage, Offer, Request
from matching.services import listings, matches
from matching.services.documents import attachment_add
from matching.services.messages import match_message_post
from notifications.models import Notification
from notifications.services import notify
from oversight.models import ConductReport, PlacementRecord
from oversight.services.conduct import conduct_report_create
from oversight.services.placements import placement_record_set
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.conftest import Cast
from tests.matching.factories import pdf_upload
from tests.matching.helpers import LATER, SOON, open_offer, open_request, weekday_after


@dataclass
class Scenario:
    cast: Cast
    far_school: Organisation
    far_company: Organisation
    far_teacher: User
    far_hr: User
    pending: Organisation  # unverified school in Overijssel: coordinator's verification queue
    far_pending: Organisation  # unverified school in Zuid-Holland
    offer: Offer  # open guest lesson of cast.company (proposed match)
    draft_offer: Offer  # draft of cast.company: only its people and coordinators see it
    closed_offer: Offer
    intern_offer: Offer  # open internship of cast.company (confirmed match)
    request: Request  # open request of cast.school (proposed match)
    request2: Request  # open, unmatched request of cast.school (self-service, queue)
    draft_request: Request
    closed_request: Request
    intern_request: Request
    other_request: Request  # open request of other_school: not for other schools' eyes
    other_draft_request: Request
    far_offer: Offer  # open offer of far_company
    far_draft_offer: Offer
    far_request: Request  # open request of far_school (far match)
    far_draft_request: Request
    proposed: Match  # offer × request
    confirmed: Match  # intern_offer × intern_request, dated, with a placement record
    far_match: Match  # far_offer × far_request
    message: MatchMessage
    teacher_note: Notification
    far_note: Notification
    invitation: Invitation
    teacher_membership: Membership
    audit: AuditEntry
    far_audit: AuditEntry
    report: ConductReport
    far_report: ConductReport
    placement: PlacementRecord
    attachment: Attachment  # a PDF on `confirmed`
    join_request: JoinRequest  # the stranger asks to join cast.school
    token: ApiToken  # the teacher's personal API token


def _draft(model: type[Offer] | type[Request], org: Organisation, by: User, **over: object):
    if model is Offer:
        data = {
            "kind": "company_visit",
            "title": "Concept",
            "description": "Nog niet gepubliceerd.",
            "levels": ["havo"],
            "capacity": 2,
            "available_from": SOON,
            "available_until": LATER,
        }
    else:
        data = {
            "kind": "company_visit",
            "title": "Concept",
            "description": "Nog niet gepubliceerd.",
            "levels": ["havo"],
            "slots": 1,
            "wanted_from": SOON,
            "wanted_until": LATER,
        }
    return listings.listing_create(model, organisation=org, by=by, **(data | over))


def build_scenario(cast: Cast) -> Scenario:
    far_school = OrganisationFactory(kind="school", name="Rotterdamsch Gymnasium", at="Rotterdam")
    far_company = OrganisationFactory(kind="company", name="Haagse Hoogbouw BV", at="Den Haag")
    far_teacher = MembershipFactory(organisation=far_school, is_admin=True, user__email="far@school.nl").user
    far_hr = MembershipFactory(organisation=far_company, is_admin=True, user__email="far@company.nl").user
    pending = OrganisationFactory(kind="school", name="Deventer Wachtschool", at="Deventer", verified_at=None)
    far_pending = OrganisationFactory(kind="school", name="Delftse Wachtschool", at="Delft", verified_at=None)

    company, school, hr, teacher = cast.company, cast.school, cast.hr, cast.teacher
    offer = open_offer(company, hr, title="Gastles Robotica Demcon", capacity=3)
    intern_offer = open_offer(
        company,
        hr,
        kind="internship",
        levels=["vmbo-t"],
        title="Stage Mechatronica Demcon",
        contract_type="bol",
        sbb_number="100200300",
    )
    draft_offer = _draft(Offer, company, hr, title="Conceptaanbod Demcon")
    closed_offer = listings.listing_close(open_offer(company, hr, title="Gesloten Aanbod Demcon"), by=hr)
    request = open_request(school, teacher, title="Robotica Havo Vier")
    request2 = open_request(school, teacher, title="Tweede Aanvraag Zwolle")
    intern_request = open_request(
        school, teacher, kind="internship", levels=["vmbo-t"], title="Stageplekken Zwolle"
    )
    draft_request = _draft(Request, school, teacher, title="Conceptaanvraag Zwolle")
    closed_request = listings.listing_close(
        open_request(school, teacher, title="Gesloten Aanvraag Zwolle"), by=teacher
    )
    other_request = open_request(cast.other_school, cast.other_member, title="Lyceum Open Aanvraag")
    other_draft_request = _draft(
        Request, cast.other_school, cast.other_member, title="Lyceum Geheime Aanvraag"
    )
    far_offer = open_offer(far_company, far_hr, title="Haagse Gastles Hoogbouw")
    far_draft_offer = _draft(Offer, far_company, far_hr, title="Haags Geheim Aanbod")
    far_request = open_request(far_school, far_teacher, title="Rotterdamse Aanvraag")
    far_draft_request = _draft(Request, far_school, far_teacher, title="Rotterdamse Geheime Aanvraag")

    proposed = matches.match_propose(offer=offer, request=request)
    confirmed = matches.match_propose(offer=intern_offer, request=intern_request)
    # The company proposes the date (accepting it), the school accepts it: confirmed and dated.
    matches.match_set_date(match=confirmed, by=hr, activity_date=weekday_after(SOON, 5))
    confirmed = matches.match_accept(match=confirmed, by=teacher)
    far_match = matches.match_propose(offer=far_offer, request=far_request)

    message = match_message_post(match=proposed, author=teacher, body="Bericht Van De Docent")
    match_message_post(match=far_match, author=far_teacher, body="Rotterdams Bericht")
    (teacher_note,) = notify(
        event="security.test",
        group="account",
        recipients=[teacher],
        title="Notitie Voor Docent",
        body="Alleen voor de docent.",
        link="/matches/",
        object_id="teacher",
    )
    (far_note,) = notify(
        event="security.test",
        group="account",
        recipients=[far_teacher],
        title="Notitie Voor Rotterdam",
        body="Alleen voor Rotterdam.",
        link="/matches/",
        object_id="far",
    )
    invitation = invitation_create(organisation=school, email="nieuw@school.nl", by=cast.school_admin)
    audit = audit_record(actor=None, action="security.test", organisation=school, reason="Audit Zwolle")
    far_audit = audit_record(
        actor=None, action="security.test", organisation=far_school, reason="Audit Rotterdam"
    )
    report = conduct_report_create(
        by=teacher,
        school=school,
        company=company,
        match=confirmed,
        category="discrimination",
        description="Melding Over Demcon",
    )
    far_report = conduct_report_create(
        by=far_teacher,
        school=far_school,
        company=far_company,
        category="discrimination",
        description="Melding Over Hoogbouw",
    )
    placement = placement_record_set(match=confirmed, by=teacher, girls=1, boys=0, other_or_unknown=0)
    attachment = attachment_add(match=confirmed, by=hr, upload=pdf_upload("POK Demcon.pdf"))

    return Scenario(
        cast=cast,
        far_school=far_school,
        far_company=far_company,
        far_teacher=far_teacher,
        far_hr=far_hr,
        pending=pending,
        far_pending=far_pending,
        offer=offer,
        draft_offer=draft_offer,
        closed_offer=closed_offer,
        intern_offer=intern_offer,
        request=request,
        request2=request2,
        draft_request=draft_request,
        closed_request=closed_request,
        intern_request=intern_request,
        other_request=other_request,
        other_draft_request=other_draft_request,
        far_offer=far_offer,
        far_draft_offer=far_draft_offer,
        far_request=far_request,
        far_draft_request=far_draft_request,
        proposed=proposed,
        confirmed=confirmed,
        far_match=far_match,
        message=message,
        teacher_note=teacher_note,
        far_note=far_note,
        invitation=invitation,
        teacher_membership=Membership.objects.get(user=teacher, organisation=school),
        audit=audit,
        far_audit=far_audit,
        report=report,
        far_report=far_report,
        placement=placement,
        attachment=attachment,
        join_request=join_request_create(organisation=school, user=cast.stranger, message="Graag"),
        token=api_token_create(user=teacher, name="Rooster", organisation=school)[0],
    )
