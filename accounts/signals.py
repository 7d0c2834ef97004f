"""Events other apps react to. accounts sits below notifications (DESIGN §10), so instead of
calling notify() it sends these; notifications connects its receivers in its AppConfig.ready().
Each is sent inside the transaction of the change, so a receiver's writes commit with it."""

from __future__ import annotations

from django.dispatch import Signal

# sender=Organisation, organisation=..., by=User
organisation_verified = Signal()
# sender=Organisation, organisation=..., by=User, reason=str
organisation_rejected = Signal()
# sender=Invitation, invitation=...
invitation_created = Signal()
# sender=JoinRequest, join_request=...
join_requested = Signal()
# sender=JoinRequest, join_request=..., by=User
join_request_decided = Signal()
