"""Who hears what when a match changes (DESIGN §5). Called inside the change's transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from accounts.models import Membership, User
from matching.models import Match, MatchMessage
from matching.selectors import match_contacts
from matching.services import calendars
from matching.services.outcome_links import outcome_url
from notifications.services import notify


def _members(org_ids: Iterable[int]) -> dict[int, list[User]]:
    people: dict[int, list[User]] = defaultdict(list)
    for membership in Membership.objects.filter(organisation_id__in=set(org_ids)).select_related("user"):
        people[membership.organisation_id].append(membership.user)
    return people


def _recipients(match: Match, sides: Iterable[str]) -> list[User]:
    people = _members([match.request.organisation_id, match.offer.organisation_id])
    result: list[User] = []
    for side in sides:
        org = match.request.organisation_id if side == "school" else match.offer.organisation_id
        result.extend(people.get(org, []))
    return result


def _other(side: str) -> str:
    return "company" if side == "school" else "school"


def _link(match: Match) -> str:
    return reverse("matches:detail", args=[match.pk])


def _summary(match: Match) -> dict[str, object]:
    """What every match e-mail shows under its text (JSON-safe; labels are translated in the template)."""
    return {
        "match": {
            "offer": match.offer.title,
            "company": match.offer.organisation.name,
            "company_place": match.offer.organisation.place,
            "request": match.request.title,
            "school": match.request.organisation.name,
            "school_place": match.request.organisation.place,
            "slots": match.slots,
            "day": match.activity_date.isoformat() if match.activity_date else "",
            "start": match.activity_start.strftime("%H:%M") if match.activity_start else "",
            "end": match.activity_end.strftime("%H:%M") if match.activity_end else "",
        }
    }


def _send(match: Match, event: str, group: str, recipients: list[User], title, body, **extra) -> None:  # noqa: ANN001
    # object_key: when one match can cause the same event more than once (a moved date).
    object_id = extra.pop("object_key", str(match.pk))
    extra.setdefault("email_template", "emails/notifications/match")
    extra.setdefault("context", _summary(match))
    if recipients:
        notify(
            event=event,
            group=group,
            recipients=recipients,
            title=title,
            body=body,
            link=_link(match),
            object_type="match",
            object_id=object_id,
            **extra,
        )


def proposals_created(matches: list[Match]) -> None:
    """New proposals from the matcher (both sides) or self-service (the side that did not ask)."""
    if not matches:
        return
    people = _members(
        [m.request.organisation_id for m in matches] + [m.offer.organisation_id for m in matches]
    )
    for match in matches:
        sides = {
            "matcher": ("school", "company"),
            "coordinator": ("school", "company"),
            "school": ("company",),
            "company": ("school",),
        }[match.source]
        recipients = [
            user
            for side in sides
            for user in people.get(
                match.request.organisation_id if side == "school" else match.offer.organisation_id, []
            )
        ]
        _send(
            match,
            "match.proposed",
            "proposals",
            recipients,
            lambda m=match: _("New proposal: %(title)s") % {"title": m.offer.title},
            lambda m=match: (
                _(
                    "%(company)s and %(school)s could work together on “%(title)s”. Please answer "
                    "within 7 days."
                )
                % {
                    "company": m.offer.organisation.name,
                    "school": m.request.organisation.name,
                    "title": m.offer.title,
                }
            ),
        )


def accepted(match: Match, sides: set[str]) -> None:
    if match.status == Match.Status.CONFIRMED:
        confirmed(match)
        return
    others = [_other(side) for side in sides]
    _send(
        match,
        "match.accepted",
        "proposals",
        _recipients(match, others),
        lambda: _("The other side accepted: %(title)s") % {"title": match.offer.title},
        lambda: _("Accept too, and the activity is confirmed."),
    )


def _when(match: Match) -> str:
    day = formats.date_format(match.activity_date, "DATE_FORMAT") if match.activity_date else ""
    if match.activity_start is None:
        return day
    end = f"–{match.activity_end:%H:%M}" if match.activity_end else ""
    return f"{day}, {match.activity_start:%H:%M}{end}"


def rescheduled(match: Match) -> None:
    """A confirmed activity moved: both sides get the new time and an updated invitation."""
    _send(
        match,
        "match.rescheduled",
        "matches",
        _recipients(match, ("school", "company")),
        lambda: _("New date: %(title)s") % {"title": match.offer.title},
        lambda: (
            _("The activity is now on %(when)s. The updated calendar invitation is attached.")
            % {"when": _when(match)}
        ),
        attachments=calendars.calendar_attachments(match, cancel=False),
        object_key=f"{match.pk}:{match.calendar_sequence}",
    )


def confirmed(match: Match) -> None:
    _send(
        match,
        "match.confirmed",
        "matches",
        _recipients(match, ("school", "company")),
        lambda: _("Confirmed: %(title)s") % {"title": match.offer.title},
        lambda: _(
            "Both sides accepted. The contact details are now visible; the calendar invitation is attached."
        ),
        attachments=calendars.calendar_attachments(match, cancel=False),
        context={**_summary(match), **_practicalities(match)},
    )


def _practicalities(match: Match) -> dict[str, object]:
    """What the confirmation e-mail adds: the practicalities of both sides and the one contact
    person of each (DESIGN §3). JSON-safe; the template translates the labels."""
    offer, request = match.offer, match.request
    return {
        "practicalities": {
            "group_size": request.group_size,
            "group_count": request.group_count,
            "school_provides": request.school_provides,
            "max_group_size": offer.max_group_size,
            "duration_minutes": offer.duration_minutes,
            "lesson_format": offer.lesson_format,
            "guest_brings": offer.guest_brings,
            "public_transport": offer.public_transport,
            "wheelchair_accessible": offer.wheelchair_accessible,
        },
        "contacts": match_contacts(match),
    }


def declined(match: Match, by_sides: set[str]) -> None:
    others = [_other(side) for side in by_sides] or ["school", "company"]
    _send(
        match,
        "match.declined",
        "proposals",
        _recipients(match, others),
        lambda: _("Declined: %(title)s") % {"title": match.offer.title},
        lambda: _("The other side declined this proposal. The matcher looks for another candidate."),
    )


def cancelled(match: Match, by_sides: set[str]) -> None:
    was_confirmed = match.confirmed_at is not None
    recipients = _recipients(match, [_other(s) for s in by_sides] if by_sides else ("school", "company"))
    _send(
        match,
        "match.cancelled",
        "matches",
        recipients,
        lambda: _("Cancelled: %(title)s") % {"title": match.offer.title},
        lambda: _("The activity was cancelled. Reason: %(reason)s") % {"reason": match.end_reason},
        attachments=calendars.calendar_attachments(match, cancel=True) if was_confirmed else None,
    )


def expired(match: Match) -> None:
    _send(
        match,
        "match.expired",
        "proposals",
        _recipients(match, ("school", "company")),
        lambda: _("Expired: %(title)s") % {"title": match.offer.title},
        lambda: _("Nobody answered within 7 days, so the proposal has expired."),
    )


def answer_reminder(match: Match) -> None:
    """Day 3 of 7: the sides that have not answered yet."""
    sides = [
        side
        for side, at in (("school", match.school_accepted_at), ("company", match.company_accepted_at))
        if at is None
    ]
    _send(
        match,
        "match.answer_reminder",
        "reminders",
        _recipients(match, sides),
        lambda: _("Reminder: please answer the proposal “%(title)s”") % {"title": match.offer.title},
        lambda: (
            _("The proposal expires on %(date)s if nobody answers.")
            % {"date": match.expires_at.date().isoformat() if match.expires_at else ""}
        ),
    )


def activity_reminder(match: Match, days: int) -> None:
    """7 days and 1 day before a confirmed activity; the key includes the date, so a moved date reminds again."""
    _send(
        match,
        f"match.activity_reminder_{days}d_{match.activity_date}",
        "reminders",
        _recipients(match, ("school", "company")),
        lambda: (
            (_("Tomorrow: %(title)s") if days == 1 else _("In a week: %(title)s"))
            % {"title": match.offer.title}
        ),
        lambda: (
            _("%(company)s and %(school)s meet on %(date)s.")
            % {
                "company": match.offer.organisation.name,
                "school": match.request.organisation.name,
                "date": match.activity_date.isoformat() if match.activity_date else "",
            }
        ),
    )


def feedback_request(match: Match) -> None:
    _send(
        match,
        "match.feedback_request",
        "reminders",
        _recipients(match, ("school", "company")),
        lambda: _("How did it go? %(title)s") % {"title": match.offer.title},
        lambda: _("Give a rating and a short comment: it helps the other side and the next matches."),
    )


MESSAGE_PREVIEW = 300


def _coordinators(match: Match) -> list[User]:
    """Coordinators of the school's and the company's province: the people who can see the match."""
    provinces = {match.request.organisation.province, match.offer.organisation.province}
    return list(User.objects.filter(coordinator_regions__province__in=provinces).distinct())


def message_posted(message: MatchMessage) -> None:
    """Everyone in the thread hears of a new message (both sides and the coordinators), except its
    author. Each message is its own notification (object = the message)."""
    match = message.match
    people = {user.pk: user for user in _recipients(match, ("school", "company")) + _coordinators(match)}
    people.pop(message.author_id, None)
    if not people:
        return

    def body() -> str:
        text = message.body if len(message.body) <= MESSAGE_PREVIEW else message.body[:MESSAGE_PREVIEW] + "…"
        return _("%(name)s wrote: %(text)s") % {"name": message.author_name, "text": text}

    notify(
        event="match.message",
        group="messages",
        recipients=list(people.values()),
        title=lambda: _("New message about %(title)s") % {"title": match.offer.title},
        body=body,
        link=_link(match) + "#messages",
        object_type="match_message",
        object_id=str(message.pk),
    )


def date_proposed(match: Match, side: str) -> None:
    """One side proposed another date: the other side is asked to accept it."""
    when = match.pending_date if match.pending_side else match.activity_date
    _send(
        match,
        "match.date_proposed",
        "proposals",
        _recipients(match, [_other(side)]),
        lambda: _("New date proposed: %(title)s") % {"title": match.offer.title},
        lambda: (
            _("The other side proposes %(date)s. Accept it on the match page, or propose another date.")
            % {"date": _day(when)}
        ),
        object_key=f"{match.pk}:{when}:{match.updated_at.timestamp() if match.updated_at else ''}",
    )


def _day(day) -> str:  # noqa: ANN001 (a date or None)
    """A date as the pages show it: the weekday and d-m-Y, in the reader's language."""
    return formats.date_format(day, "DATE_FORMAT") if day else ""


def outcome_request(match: Match) -> None:
    """After the (last) day: each person of both sides is asked whether it took place, with two
    signed one-click answers in the e-mail (their own, so a forwarded mail answers as them)."""
    people = _members([match.request.organisation_id, match.offer.organisation_id])
    for side in ("school", "company"):
        org = match.request.organisation_id if side == "school" else match.offer.organisation_id
        for user in people.get(org, []):
            context = _summary(match)
            context["outcome_links"] = {
                "held": outcome_url(match_id=match.pk, side=side, user_id=user.pk, held=True),
                "not_held": outcome_url(match_id=match.pk, side=side, user_id=user.pk, held=False),
            }
            _send(
                match,
                "match.outcome_request",
                "reminders",
                [user],
                lambda: _("Did it take place? %(title)s") % {"title": match.offer.title},
                lambda: _(
                    "Please tell us whether the activity took place. Only activities that took place "
                    "count in the figures."
                ),
                context=context,
            )


def outcome_recorded(match: Match, by_sides: set[str]) -> None:
    """A side answered: the other side hears of it; a dispute also goes to the coordinators."""
    recipients = _recipients(match, [_other(s) for s in by_sides if _other(s) not in by_sides])
    if match.status == Match.Status.DISPUTED:
        recipients += _coordinators(match)

    def body() -> str:
        if match.status == Match.Status.DISPUTED:
            return _("The sides disagree on whether the activity took place; a coordinator will look at it.")
        if match.status == Match.Status.NOT_HELD:
            return _("The other side reported that the activity did not take place.")
        return _("The other side confirmed that the activity took place.")

    _send(
        match,
        f"match.outcome_{match.status}",
        "matches",
        recipients,
        lambda: _("Did it take place? %(title)s") % {"title": match.offer.title},
        body,
    )


def contact_changed(match: Match, *, side: str) -> None:
    """A side named another contact person: the other side hears who it is now (and, once the
    match is confirmed, sees their details on the match page)."""
    listing = match.offer if side == "company" else match.request
    person = listing.contact_person
    name = (person.name or person.email) if person is not None else ""
    _send(
        match,
        "match.contact_changed",
        "matches",
        _recipients(match, [_other(side)]),
        lambda: _("New contact person: %(title)s") % {"title": match.offer.title},
        lambda: (
            _("%(organisation)s named %(name)s as the contact person for this activity.")
            % {"organisation": listing.organisation.name, "name": name or _("nobody in particular")}
        ),
        object_key=f"{match.pk}:{side}:{listing.contact_person_id}:{listing.updated_at.timestamp()}",
    )
