"""Accounts: the signed-in person, organisations and their members, invitations, join requests,
verification, API tokens (web and API)."""

from __future__ import annotations

from accounts.models import ApiToken, Invitation, JoinRequest, Membership, Organisation
from tests.security.matrix.dsl import (
    DELETE,
    GET,
    OOST_READERS,
    PATCH,
    POST,
    ROLES,
    SCHOOL,
    SCHOOL_ORG,
    VERIFY,
    Ref,
    access,
    api,
    row_of,
    web,
)

ROWS = {
    "accounts:home": [GET("accounts:home", web(302, anonymous=200))],
    # A coordinator without an organisation is sent on to their own dashboard (/coordinator/).
    "accounts:dashboard": [GET("accounts:dashboard", web(200, coordinator=302, coordinator_elsewhere=302))],
    "accounts:profile": [GET("accounts:profile", web(200))],
    "accounts:privacy": [GET("accounts:privacy", web(200, anonymous=200))],
    "accounts:privacy_export": [GET("accounts:privacy_export", web(200))],
    "accounts:account_delete": [
        GET("accounts:account_delete", web(200)),
        # A wrong password: the form comes back, the account stays.
        POST("accounts:account_delete", web(200), {"password": "not-the-password"}),
    ],
    "accounts:set_language": [
        POST("accounts:set_language", web(302, anonymous=302), {"language": "en", "next": "/"})
    ],
    "accounts:organisation_create": [GET("accounts:organisation_create", web(200))],
    "accounts:organisation_detail": [
        GET(
            "accounts:organisation_detail",
            access(web, 200, write=(*SCHOOL, *OOST_READERS)),
            pk=Ref("cast.school"),
        ),
        GET(
            "accounts:organisation_detail",
            access(web, 200, write=("hr", *OOST_READERS)),
            pk=Ref("cast.company"),
        ),
        GET(
            "accounts:organisation_detail",
            access(web, 200, write=("coordinator_elsewhere", "platform_admin")),
            pk=Ref("far_school"),
        ),
    ],
    "accounts:organisation_edit": [
        GET("accounts:organisation_edit", access(web, 200, **SCHOOL_ORG), pk=Ref("cast.school")),
        # An incomplete form: the admin gets it back with errors; nobody else changes a thing.
        POST(
            "accounts:organisation_edit",
            access(web, 200, **SCHOOL_ORG),
            {"name": "Gekaapte School"},
            keeps=row_of(Organisation, "cast.school"),
            pk=Ref("cast.school"),
        ),
    ],
    "accounts:invitation_create": [
        POST(
            "accounts:invitation_create",
            access(web, 302, **SCHOOL_ORG),
            {"email": "indringer@example.nl", "is_admin": "on"},
            keeps=lambda s: list(Invitation.objects.filter(organisation=s.cast.school).values_list("pk")),
            pk=Ref("cast.school"),
        )
    ],
    "accounts:invitation_revoke": [
        POST(
            "accounts:invitation_revoke",
            web(404, coordinator=403, platform_admin=403),
            keeps=row_of(Invitation, "invitation"),
            keeps_for=ROLES,
            pk=Ref("cast.company"),
            invitation_id=Ref("invitation"),
        ),
        POST(
            "accounts:invitation_revoke",
            access(web, 302, **SCHOOL_ORG),
            keeps=row_of(Invitation, "invitation"),
            pk=Ref("cast.school"),
            invitation_id=Ref("invitation"),
        ),
    ],
    "accounts:member_remove": [
        # The company's admin, with the company in the URL and the school's membership: 404.
        POST(
            "accounts:member_remove",
            web(404, coordinator=403, platform_admin=403),
            keeps=row_of(Membership, "teacher_membership"),
            keeps_for=ROLES,
            pk=Ref("cast.company"),
            membership_id=Ref("teacher_membership"),
        ),
        POST(
            "accounts:member_remove",
            access(web, 302, **SCHOOL_ORG),
            keeps=row_of(Membership, "teacher_membership"),
            pk=Ref("cast.school"),
            membership_id=Ref("teacher_membership"),
        ),
    ],
    "accounts:member_set_admin": [
        POST(
            "accounts:member_set_admin",
            web(404, coordinator=403, platform_admin=403),
            {"is_admin": "1"},
            keeps=row_of(Membership, "teacher_membership"),
            keeps_for=ROLES,
            pk=Ref("cast.company"),
            membership_id=Ref("teacher_membership"),
        ),
        POST(
            "accounts:member_set_admin",
            access(web, 302, **SCHOOL_ORG),
            {"is_admin": "1"},
            keeps=row_of(Membership, "teacher_membership"),
            pk=Ref("cast.school"),
            membership_id=Ref("teacher_membership"),
        ),
    ],
    # Members only; the school's last admin is told to hand over first (a message, no change).
    "accounts:organisation_leave": [
        POST(
            "accounts:organisation_leave",
            web(404, teacher=302, school_admin=302),
            keeps=lambda s: list(Membership.objects.filter(organisation=s.cast.school).values_list("pk")),
            keeps_for=tuple(r for r in ROLES if r != "teacher"),
            pk=Ref("cast.school"),
        )
    ],
    "accounts:invitation_resend": [
        POST(
            "accounts:invitation_resend",
            access(web, 302, **SCHOOL_ORG),
            keeps=row_of(Invitation, "invitation"),
            pk=Ref("cast.school"),
            invitation_id=Ref("invitation"),
        )
    ],
    "accounts:organisation_search": [
        GET("accounts:organisation_search", web(200)),
        GET("accounts:organisation_search", web(200), query="q=Geheim"),
    ],
    # Anyone signed in may ask to join a verified organisation; its members are told they are.
    "accounts:join_request_create": [POST("accounts:join_request_create", web(302), pk=Ref("cast.school"))],
    "accounts:join_request_decide": [
        POST(
            "accounts:join_request_decide",
            access(web, 302, **SCHOOL_ORG),
            {"decision": "approve"},
            keeps=row_of(JoinRequest, "join_request"),
            pk=Ref("cast.school"),
            join_request_id=Ref("join_request"),
        ),
        POST(
            "accounts:join_request_decide",
            web(404, coordinator=403, platform_admin=403),
            {"decision": "approve"},
            keeps=row_of(JoinRequest, "join_request"),
            keeps_for=ROLES,
            pk=Ref("cast.company"),
            join_request_id=Ref("join_request"),
        ),
    ],
    # Only to an organisation one is a member of.
    "accounts:organisation_switch": [
        POST(
            "accounts:organisation_switch",
            web(403, teacher=302, school_admin=302),
            lambda s: {"organisation": s.cast.school.pk},
        )
    ],
    "accounts:tokens": [
        GET("accounts:tokens", web(200), shows={"teacher": ("Rooster",)}),
        POST("accounts:tokens", web(200), {"name": ""}),
    ],
    "accounts:token_revoke": [
        POST(
            "accounts:token_revoke",
            web(404, teacher=302),
            keeps=row_of(ApiToken, "token"),
            token_id=Ref("token"),
        )
    ],
    "accounts:invitation_accept": [
        # The token is the secret; the page shows the invitation to whoever holds it.
        GET("accounts:invitation_accept", web(200, anonymous=200), token=Ref("invitation.token")),
        # Nobody in the cast is the invitee: refused with a message, no membership.
        POST(
            "accounts:invitation_accept",
            web(302, anonymous=200),
            keeps=row_of(Invitation, "invitation"),
            keeps_for=ROLES,
            token=Ref("invitation.token"),
        ),
    ],
    # Coordinators only; platform admins verify in the Django admin (a 403 here, not a leak).
    "accounts:verification_queue": [
        GET(
            "accounts:verification_queue",
            web(403, coordinator=200, coordinator_elsewhere=200),
            shows={
                "coordinator": ("Deventer Wachtschool",),
                "coordinator_elsewhere": ("Delftse Wachtschool",),
            },
            scoped=True,
        )
    ],
    "accounts:organisation_verify": [
        POST(
            "accounts:organisation_verify", VERIFY, keeps=row_of(Organisation, "pending"), pk=Ref("pending")
        ),
        POST(
            "accounts:organisation_verify",
            web(403, coordinator=404, coordinator_elsewhere=302),
            keeps=row_of(Organisation, "far_pending"),
            pk=Ref("far_pending"),
        ),
    ],
    # Nothing awaits a decision in the scenario: coordinators get 404 as for a foreign object.
    "accounts:organisation_identity_decide": [
        POST(
            "accounts:organisation_identity_decide",
            web(403, coordinator=404, coordinator_elsewhere=404),
            {"decision": "approve"},
            keeps=row_of(Organisation, "cast.company"),
            pk=Ref("cast.company"),
        )
    ],
    "accounts:organisation_reject": [
        POST(
            "accounts:organisation_reject",
            VERIFY,
            {"reason": "Onvolledig"},
            keeps=row_of(Organisation, "pending"),
            pk=Ref("pending"),
        )
    ],
    "api:me": [GET("api:me", api(200))],
    "api:me_export": [GET("api:me_export", api(200))],
    "api:organisation-list": [
        GET(
            "api:organisation-list",
            api(200),
            scoped=True,
            shows={
                "teacher": ("Thomas a Kempis",),
                "hr": ("Demcon",),
                "coordinator": ("Deventer Wachtschool",),
                "coordinator_elsewhere": ("Rotterdamsch Gymnasium",),
            },
        ),
        GET("api:organisation-list", api(200), query="province=zuid-holland", scoped=True),
    ],
    "api:organisation-detail": [
        GET(
            "api:organisation-detail",
            access(api, 200, write=SCHOOL_ORG["read"] + ("school_admin",)),
            pk=Ref("cast.school"),
        ),
        GET(
            "api:organisation-detail",
            access(api, 200, write=("coordinator_elsewhere", "platform_admin")),
            pk=Ref("far_school"),
        ),
        # The profile: admins only (an empty name: 400, nothing saved).
        PATCH(
            "api:organisation-detail",
            access(api, 400, **SCHOOL_ORG),
            {"name": ""},
            keeps=row_of(Organisation, "cast.school"),
            pk=Ref("cast.school"),
        ),
    ],
    "api:organisation-members": [
        GET(
            "api:organisation-members",
            access(api, 200, write=SCHOOL_ORG["read"] + ("school_admin",)),
            pk=Ref("cast.school"),
        ),
        # Inviting: admins only (a bad address: 400, nothing sent).
        POST(
            "api:organisation-members",
            access(api, 400, **SCHOOL_ORG),
            {"email": "geen-adres"},
            keeps=lambda s: list(Invitation.objects.filter(organisation=s.cast.school).values_list("pk")),
            pk=Ref("cast.school"),
        ),
    ],
    "api:organisation-member": [
        PATCH(
            "api:organisation-member",
            access(api, 200, **SCHOOL_ORG),
            {"is_admin": True},
            keeps=row_of(Membership, "teacher_membership"),
            pk=Ref("cast.school"),
            user_id=Ref("cast.teacher"),
        ),
        DELETE(
            "api:organisation-member",
            access(api, 204, **SCHOOL_ORG),
            keeps=row_of(Membership, "teacher_membership"),
            pk=Ref("cast.school"),
            user_id=Ref("cast.teacher"),
        ),
    ],
    # The teacher may leave; the last admin may not (400); non-members: 404.
    "api:organisation-leave": [
        POST(
            "api:organisation-leave",
            api(404, teacher=204, school_admin=400),
            keeps=lambda s: list(Membership.objects.filter(organisation=s.cast.school).values_list("pk")),
            keeps_for=tuple(r for r in ROLES if r != "teacher"),
            pk=Ref("cast.school"),
        )
    ],
    "api:organisation-invitations": [
        GET("api:organisation-invitations", access(api, 200, **SCHOOL_ORG), pk=Ref("cast.school"))
    ],
    "api:organisation-invitation": [
        DELETE(
            "api:organisation-invitation",
            access(api, 204, **SCHOOL_ORG),
            keeps=row_of(Invitation, "invitation"),
            pk=Ref("cast.school"),
            invitation_id=Ref("invitation"),
        )
    ],
    "api:organisation-invitation-resend": [
        POST(
            "api:organisation-invitation-resend",
            access(api, 200, **SCHOOL_ORG),
            keeps=row_of(Invitation, "invitation"),
            pk=Ref("cast.school"),
            invitation_id=Ref("invitation"),
        )
    ],
    "api:organisation-search": [GET("api:organisation-search", api(200), query="q=Geheim")],
    "api:organisation-join-requests": [
        GET("api:organisation-join-requests", access(api, 200, **SCHOOL_ORG), pk=Ref("cast.school")),
        # Anyone signed in may ask; its members already belong (400).
        POST(
            "api:organisation-join-requests",
            api(201, teacher=400, school_admin=400),
            {},
            pk=Ref("cast.school"),
        ),
    ],
    "api:organisation-join-request-approve": [
        POST(
            "api:organisation-join-request-approve",
            access(api, 200, **SCHOOL_ORG),
            keeps=row_of(JoinRequest, "join_request"),
            pk=Ref("cast.school"),
            join_request_id=Ref("join_request"),
        )
    ],
    "api:organisation-join-request-refuse": [
        POST(
            "api:organisation-join-request-refuse",
            access(api, 200, **SCHOOL_ORG),
            keeps=row_of(JoinRequest, "join_request"),
            pk=Ref("cast.school"),
            join_request_id=Ref("join_request"),
        )
    ],
    "api:organisation-locations": [
        GET(
            "api:organisation-locations",
            access(api, 200, write=SCHOOL_ORG["read"] + ("school_admin",)),
            pk=Ref("cast.school"),
        ),
        POST(
            "api:organisation-locations",
            access(api, 400, **SCHOOL_ORG),
            {"number": "1", "place": "Kampen"},
            keeps=lambda s: list(s.cast.school.locations.values_list("pk")),
            pk=Ref("cast.school"),
        ),
    ],
    "api:token-list": [
        GET("api:token-list", api(200), shows={"teacher": ("Rooster",)}),
        POST("api:token-list", api(400), {"name": ""}, keeps=lambda s: ApiToken.objects.count()),
    ],
    "api:token-detail": [
        DELETE("api:token-detail", api(404, teacher=204), keeps=row_of(ApiToken, "token"), pk=Ref("token"))
    ],
}
