"""The demo region's people (landsdeel Oost): schools, companies, their members, a coordinator
and a platform admin. Called by the seed_demo command; idempotent."""

from __future__ import annotations

import random
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.utils import timezone

from accounts.models import CoordinatorRegion, Membership, Organisation, User
from taxonomy.places import get_place
from taxonomy.regions import landsdeel_of

DEMO_PASSWORD = "demo-techniek-2026"  # noqa: S105 (printed on purpose: demo only)
# A fixed TOTP secret so the demo coordinator can log in with any authenticator app.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

SCHOOLS: list[tuple[str, str, str, list[str]]] = [
    # name, place, BRIN, levels
    ("Het Stedelijk Lyceum", "Enschede", "20AA", ["havo", "vwo"]),
    ("Bonhoeffer College", "Enschede", "20AB", ["vmbo-b", "vmbo-k", "vmbo-t", "havo", "vwo"]),
    ("ROC van Twente", "Hengelo", "20AC", ["mbo-1", "mbo-2", "mbo-3", "mbo-4"]),
    ("Carmel College Salland", "Deventer", "20AD", ["vmbo-t", "havo", "vwo"]),
    ("Etty Hillesum Lyceum", "Deventer", "20AE", ["vmbo-b", "vmbo-k", "vmbo-g", "vmbo-t", "havo", "vwo"]),
    ("Thomas a Kempis College", "Zwolle", "20AF", ["vmbo-t", "havo", "vwo"]),
    ("Deltion College", "Zwolle", "20AG", ["mbo-2", "mbo-3", "mbo-4"]),
    ("Windesheim", "Zwolle", "20AH", ["hbo"]),
    ("Basisschool De Regenboog", "Almelo", "20AJ", ["po"]),
    ("OBS De Esch", "Oldenzaal", "20AK", ["po"]),
    ("Pius X College", "Almelo", "20AL", ["vmbo-k", "vmbo-t", "havo", "vwo"]),
    ("Stedelijk Gymnasium Arnhem", "Arnhem", "20AM", ["vwo"]),
    ("Rijn IJssel", "Arnhem", "20AN", ["mbo-1", "mbo-2", "mbo-3", "mbo-4"]),
    ("Dominicus College", "Nijmegen", "20AP", ["havo", "vwo"]),
    ("ROC Nijmegen", "Nijmegen", "20AQ", ["mbo-2", "mbo-3", "mbo-4"]),
    ("HAN University of Applied Sciences", "Arnhem", "20AR", ["hbo"]),
    ("CSG Apeldoorn", "Apeldoorn", "20AS", ["vmbo-t", "havo", "vwo"]),
    ("Basisschool De Kameleon", "Apeldoorn", "20AT", ["po"]),
    ("Het Assink Lyceum", "Haaksbergen", "20AU", ["vmbo-b", "vmbo-k", "havo", "vwo"]),
    ("Christelijk College Groevenbeek", "Ermelo", "20AV", ["vmbo-t", "havo", "vwo"]),
    ("Basisschool Het Palet", "Doetinchem", "20AW", ["po"]),
    ("Graafschap College", "Doetinchem", "20AX", ["mbo-2", "mbo-3", "mbo-4"]),
    ("Universiteit Twente", "Enschede", "20AY", ["wo"]),
]

COMPANIES: list[tuple[str, str, str, list[str]]] = [
    # name, place, KvK, sectors
    ("Thales Nederland", "Hengelo", "06040500", ["elektrotechniek", "ict", "metaal-mechatronica"]),
    ("Demcon", "Enschede", "06040501", ["metaal-mechatronica", "zorgtechniek", "ict"]),
    ("Twence", "Hengelo", "06040502", ["energie", "procestechniek"]),
    ("Saxion Smart Solutions", "Enschede", "06040503", ["ict", "creatieve-techniek"]),
    ("Bouwbedrijf Trebbe", "Enschede", "06040504", ["bouw", "installatie"]),
    ("Tata Steel Oost", "Almelo", "06040505", ["metaal-mechatronica", "procestechniek"]),
    ("Vitens", "Zwolle", "06040506", ["procestechniek", "wetenschap-technologie"]),
    ("Wehkamp Tech", "Zwolle", "06040507", ["ict", "maritiem-logistiek"]),
    ("Stork Deventer", "Deventer", "06040508", ["metaal-mechatronica", "elektrotechniek"]),
    ("Alliander", "Arnhem", "06040509", ["energie", "elektrotechniek"]),
    ("NXP Nijmegen", "Nijmegen", "06040510", ["elektrotechniek", "natuurkunde"]),
    ("Synthon", "Nijmegen", "06040511", ["scheikunde", "biologie"]),
    ("Agrifirm Oost", "Apeldoorn", "06040512", ["agri-food", "biologie"]),
    ("Kadaster", "Apeldoorn", "06040513", ["ict", "wiskunde"]),
    ("Installatiebedrijf Bruggeman", "Doetinchem", "06040514", ["installatie", "energie"]),
    ("Wageningen Food Lab", "Wageningen", "06040515", ["agri-food", "scheikunde", "onderzoeken-ontwerpen"]),
    ("Zorgtechniek Oost", "Deventer", "06040516", ["zorgtechniek", "ict"]),
]

DEMO_LOGINS = [
    ("teacher@demo.techniekpact.nl", "Sanne de Vries", "Het Stedelijk Lyceum", True),
    ("decaan@demo.techniekpact.nl", "Mehmet Yilmaz", "ROC van Twente", True),
    ("hr@demo.techniekpact.nl", "Pieter Jansen", "Thales Nederland", True),
    ("outreach@demo.techniekpact.nl", "Fatima el Amrani", "Demcon", True),
    ("engineer@demo.techniekpact.nl", "Joris Bakker", "Thales Nederland", False),
]
COORDINATOR = ("coordinator@demo.techniekpact.nl", "Anouk Smit", ["overijssel", "gelderland"])
UNVERIFIED = {"Het Assink Lyceum", "Installatiebedrijf Bruggeman"}


def _ensure_user(email: str, name: str, *, staff: bool = False) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=DEMO_PASSWORD, name=name, is_staff=staff, is_superuser=staff
        )
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _ensure_org(
    kind: str, name: str, place_name: str, number: str, codes: list[str], verifier: User, rng: random.Random
) -> Organisation:
    place = (
        get_place(place_name, None)
        or get_place(place_name, "overijssel")
        or get_place(place_name, "gelderland")
    )
    assert place is not None, place_name
    defaults: dict[str, Any] = {
        "kind": kind,
        "place": place.name,
        "municipality": place.municipality,
        "province": place.province,
        "landsdeel": landsdeel_of(place.province),
        # Spread organisations around the town centre so distances differ.
        "latitude": round(place.lat + rng.uniform(-0.02, 0.02), 5),
        "longitude": round(place.lon + rng.uniform(-0.03, 0.03), 5),
        "levels": codes if kind == "school" else [],
        "sectors": codes if kind == "company" else [],
        "brin": number if kind == "school" else None,
        "kvk": number if kind == "company" else None,
        "description": "",
    }
    if name not in UNVERIFIED:
        defaults.update(verified_at=timezone.now(), verified_by=verifier)
    org, _ = Organisation.objects.get_or_create(name=name, kind=kind, defaults=defaults)
    return org


def seed(rng: random.Random) -> User:
    """The platform admin, the coordinator (both with the fixed TOTP secret), the schools and
    companies and their demo members. Returns the platform admin."""
    admin = _ensure_user("admin@demo.techniekpact.nl", "Platform Admin", staff=True)
    coordinator = _ensure_user(COORDINATOR[0], COORDINATOR[1])
    for province in COORDINATOR[2]:
        CoordinatorRegion.objects.get_or_create(user=coordinator, province=province)
    # Coordinators and staff work with two-factor only: both get the fixed demo secret.
    for person in (coordinator, admin):
        if not Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(person, DEMO_TOTP_SECRET)
    orgs = {}
    for name, place, brin, levels in SCHOOLS:
        orgs[name] = _ensure_org("school", name, place, brin, levels, coordinator, rng)
    for name, place, kvk, sectors in COMPANIES:
        orgs[name] = _ensure_org("company", name, place, kvk, sectors, coordinator, rng)
    for email, name, org_name, is_admin in DEMO_LOGINS:
        user = _ensure_user(email, name)
        Membership.objects.get_or_create(
            user=user, organisation=orgs[org_name], defaults={"is_admin": is_admin}
        )
    return admin


def logins(admin: User) -> list[str]:
    """The lines that tell a demo user how to log in."""
    lines = [f"Open {settings.SITE_URL} and log in with password '{DEMO_PASSWORD}' as:"]
    for email, name, org_name, is_admin in DEMO_LOGINS:
        role = "admin" if is_admin else "member"
        lines.append(f"  {email:36} {name} ({org_name}, {role})")
    lines.append(f"  {COORDINATOR[0]:36} {COORDINATOR[1]} (coordinator Overijssel + Gelderland)")
    lines.append(f"      two-factor: add TOTP secret {DEMO_TOTP_SECRET} to an authenticator app")
    lines.append(f"  {admin.email:36} platform admin (Django admin at /admin/), same TOTP secret")
    return lines
