"""What each role must never see: words of objects that are not theirs, searched for in every
200 the role gets (IDOR in lists, details, exports and search alike). Titles and names in the
scenario are distinct words, so a plain substring check catches a leak."""

from __future__ import annotations

# Private objects of the far (Zuid-Holland) side: drafts, audit, conduct, thread, notification.
FAR_PRIVATE = (
    "Haags Geheim Aanbod",
    "Rotterdamse Geheime Aanvraag",
    "Audit Rotterdam",
    "Melding Over Hoogbouw",
    "Rotterdams Bericht",
    "Notitie Voor Rotterdam",
    "Delftse Wachtschool",
)
# Private objects of the Oost side.
COMPANY_PRIVATE = ("Conceptaanbod Demcon", "Gesloten Aanbod Demcon")
SCHOOL_PRIVATE = ("Conceptaanvraag Zwolle", "Gesloten Aanvraag Zwolle")
OTHER_SCHOOL_PRIVATE = ("Lyceum Geheime Aanvraag",)
TEACHER_PRIVATE = ("Notitie Voor Docent",)
OOST_PRIVATE = (
    *COMPANY_PRIVATE,
    *SCHOOL_PRIVATE,
    *OTHER_SCHOOL_PRIVATE,
    "Audit Zwolle",
    "Melding Over Demcon",
    "Bericht Van De Docent",
    *TEACHER_PRIVATE,
    "Deventer Wachtschool",
)
# Another school's requests, open or not, are not for schools' eyes.
OTHER_SCHOOLS_REQUESTS = ("Lyceum Open Aanvraag", "Rotterdamse Aanvraag")

NEVER_SEES: dict[str, tuple[str, ...]] = {
    # Open offers of verified companies are public (the catalogue); people's addresses never are.
    "anonymous": (
        *FAR_PRIVATE,
        *OOST_PRIVATE,
        "Robotica Havo Vier",
        "hr@company.nl",
        "teacher@school.nl",
        "admin@school.nl",
    ),
    "teacher": (
        *FAR_PRIVATE,
        *COMPANY_PRIVATE,
        *OTHER_SCHOOL_PRIVATE,
        *OTHER_SCHOOLS_REQUESTS,
        "Audit Zwolle",
    ),
    "school_admin": (
        *FAR_PRIVATE,
        *COMPANY_PRIVATE,
        *OTHER_SCHOOL_PRIVATE,
        *OTHER_SCHOOLS_REQUESTS,
        *TEACHER_PRIVATE,
        "Audit Zwolle",
    ),
    # The reported company never learns that a report exists.
    "hr": (
        *FAR_PRIVATE,
        *SCHOOL_PRIVATE,
        *OTHER_SCHOOL_PRIVATE,
        *TEACHER_PRIVATE,
        "Audit Zwolle",
        "Melding Over Demcon",
    ),
    "other_member": (
        *FAR_PRIVATE,
        *COMPANY_PRIVATE,
        *SCHOOL_PRIVATE,
        *TEACHER_PRIVATE,
        "Robotica Havo Vier",
        "Tweede Aanvraag Zwolle",
        "Stageplekken Zwolle",
        "Rotterdamse Aanvraag",
        "Audit Zwolle",
        "Melding Over Demcon",
        "Bericht Van De Docent",
    ),
    "coordinator": (*FAR_PRIVATE, *TEACHER_PRIVATE),
    "coordinator_elsewhere": OOST_PRIVATE,
    "platform_admin": (*TEACHER_PRIVATE, "Notitie Voor Rotterdam"),
}
# On coordinator-scoped pages (queue, exports, audit, conduct, coverage, figures), the other
# province's public objects stay out too.
SCOPED_NEVER_SEES: dict[str, tuple[str, ...]] = {
    "coordinator": ("Rotterdamse Aanvraag", "Rotterdamsch Gymnasium", "Haagse Hoogbouw", "Delftse"),
    "coordinator_elsewhere": (
        "Thomas a Kempis",
        "Stedelijk Lyceum",
        "Demcon",
        "Robotica Havo Vier",
        "Deventer",
    ),
}
