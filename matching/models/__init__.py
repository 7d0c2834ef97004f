"""The matching app's models, one module per concern; import them from here."""

from .documents import Attachment, attachment_storage

# Migration 0009 names the upload path function by its old place, matching.models._attachment_name.
from .documents import _attachment_name as _attachment_name
from .listings import (
    GROUP_SIZE_MAX,
    ContractType,
    LessonFormat,
    Listing,
    ListingLanguage,
    Offer,
    Repeat,
    Request,
    Weekday,
    WeekOfMonth,
)
from .matches import Match
from .messages import MatchMessage
from .outcomes import Feedback, Placement, TeacherReflection
from .runs import BlockedPair, MatchingRun

__all__ = [
    "GROUP_SIZE_MAX",
    "Attachment",
    "BlockedPair",
    "ContractType",
    "Feedback",
    "LessonFormat",
    "Listing",
    "ListingLanguage",
    "Match",
    "MatchMessage",
    "MatchingRun",
    "Offer",
    "Placement",
    "Repeat",
    "Request",
    "TeacherReflection",
    "WeekOfMonth",
    "Weekday",
    "attachment_storage",
]
