"""Provinces and the five Techniekpact landsdelen (DESIGN §2)."""

from __future__ import annotations

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Province(TextChoices):
    GRONINGEN = "groningen", "Groningen"
    FRYSLAN = "fryslan", "Fryslân"
    DRENTHE = "drenthe", "Drenthe"
    NOORD_HOLLAND = "noord-holland", "Noord-Holland"
    UTRECHT = "utrecht", "Utrecht"
    FLEVOLAND = "flevoland", "Flevoland"
    GELDERLAND = "gelderland", "Gelderland"
    OVERIJSSEL = "overijssel", "Overijssel"
    NOORD_BRABANT = "noord-brabant", "Noord-Brabant"
    LIMBURG = "limburg", "Limburg"
    ZUID_HOLLAND = "zuid-holland", "Zuid-Holland"
    ZEELAND = "zeeland", "Zeeland"


class Landsdeel(TextChoices):
    NOORD = "noord", _("North")
    NOORDWEST = "noordwest", _("North-West")
    OOST = "oost", _("East")
    ZUIDOOST = "zuidoost", _("South-East")
    ZUIDWEST = "zuidwest", _("South-West")


PROVINCES_BY_LANDSDEEL: dict[str, tuple[str, ...]] = {
    Landsdeel.NOORD: (Province.GRONINGEN, Province.FRYSLAN, Province.DRENTHE),
    Landsdeel.NOORDWEST: (Province.NOORD_HOLLAND, Province.UTRECHT, Province.FLEVOLAND),
    Landsdeel.OOST: (Province.GELDERLAND, Province.OVERIJSSEL),
    Landsdeel.ZUIDOOST: (Province.NOORD_BRABANT, Province.LIMBURG),
    Landsdeel.ZUIDWEST: (Province.ZUID_HOLLAND, Province.ZEELAND),
}

LANDSDEEL_OF_PROVINCE: dict[str, str] = {
    str(province): str(landsdeel)
    for landsdeel, provinces in PROVINCES_BY_LANDSDEEL.items()
    for province in provinces
}


def landsdeel_of(province: str) -> str:
    """The landsdeel a province belongs to; raises KeyError for an unknown slug."""
    return LANDSDEEL_OF_PROVINCE[province]


def provinces_of(landsdeel: str) -> tuple[str, ...]:
    return tuple(str(p) for p in PROVINCES_BY_LANDSDEEL[landsdeel])
