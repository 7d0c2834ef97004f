"""The public catalogue (no account needed), its map data, saved searches and the calendar feed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import active_membership
from catalogue import selectors, services
from catalogue.forms import CatalogueSearchForm, SaveSearchForm
from matching.pagination import LargeListPaginator
from matching.search import Origin
from matching.selectors import offers_public
from matching.services.calendars import calendar_fields
from notifications.ics import activity_event, activity_feed
from oversight.access import coordinator_required, scope_provinces
from oversight.selectors import coverage as coverage_selectors
from taxonomy.levels import Level
from taxonomy.places import search_places
from taxonomy.subjects import Subject

PAGE_SIZE = 20
MAP_LIMIT = 2000  # points per map answer: a province's offers fit; beyond that, zoom or filter


def _viewer_origin(request: HttpRequest) -> Origin | None:
    if not request.user.is_authenticated:
        return None
    membership = active_membership(request.user)
    if membership is None:
        return None
    org = membership.organisation
    return Origin(org.name, org.latitude, org.longitude)


def _search(request: HttpRequest) -> tuple[CatalogueSearchForm, object]:
    form = CatalogueSearchForm(request.GET, is_offer=True, default_origin=_viewer_origin(request))
    return form, form.search(offers_public())


def _labels(codes: list[str], choices: type[Level] | type[Subject]) -> list[str]:
    return [str(choices(code).label) if code in choices.values else code for code in codes]


def catalogue(request: HttpRequest) -> HttpResponse:
    form, rows = _search(request)
    page = LargeListPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    query = params.urlencode()
    context = {
        "form": form,
        "page": page,
        "query": query,
        "map_url": f"{reverse('catalogue:map_data')}?{query}",
        "save_url": f"{reverse('catalogue:saved_search_create')}?{query}",
        "canonical": request.build_absolute_uri(reverse("catalogue:catalogue")),
        "save_form": SaveSearchForm(),
    }
    status = 400 if form.errors else 200
    return render(request, "catalogue/catalogue.html", context, status=status)


def map_data(request: HttpRequest) -> JsonResponse:
    """The same results as the list, as compact points for the map (public fields only):
    `[id, lat, lon, title, organisation, place, distance_km]`; the page makes `/aanbod/<id>/`."""
    form, rows = _search(request)
    if form.errors:
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    with_distance = form.search_params.origin is not None
    fields = ["pk", "organisation__latitude", "organisation__longitude", "title", "organisation__name"]
    fields += ["organisation__place", *(["distance_km"] if with_distance else [])]
    points = [
        [
            row[0],
            round(row[1], 4),
            round(row[2], 4),
            row[3],
            row[4],
            row[5],
            round(row[6], 1) if with_distance else None,
        ]
        for row in rows.values_list(*fields)[:MAP_LIMIT]
    ]
    return JsonResponse({"points": points, "truncated": len(points) == MAP_LIMIT})


def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    offer = selectors.offer_public_get(pk)
    here = reverse("catalogue:offer_detail", args=[pk])
    if request.user.is_authenticated:
        ask_url = reverse("matching:offer_detail", args=[pk])
    else:
        ask_url = f"{reverse('account_signup')}?{urlencode({'next': here})}"
    context = {
        "offer": offer,
        "ask_url": ask_url,
        "login_url": f"{reverse('account_login')}?{urlencode({'next': here})}",
        "level_labels": _labels(offer.levels, Level),
        "subject_labels": _labels(offer.subjects, Subject),
        "canonical": request.build_absolute_uri(here),
    }
    return render(request, "catalogue/offer_detail.html", context)


def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.organisation_public_get(pk)
    context = {
        "organisation": organisation,
        "profile": selectors.organisation_profile(organisation),
        "canonical": request.build_absolute_uri(reverse("catalogue:organisation_detail", args=[pk])),
    }
    return render(request, "catalogue/organisation_detail.html", context)


@require_GET
def place_suggestions(request: HttpRequest) -> JsonResponse:
    """Autocomplete for the "near" field: gazetteer places starting with what was typed."""
    found = search_places(request.GET.get("q", "")[:100], limit=10)
    return JsonResponse({"places": [{"name": p.name, "province": p.province} for p in found]})


@require_GET
def sitemap(request: HttpRequest) -> HttpResponse:
    """Only what is public: the catalogue, open offers of verified companies, verified profiles."""
    offers = offers_public().order_by("pk").values_list("pk", "updated_at")[:39999]
    organisations = selectors.organisations_public().order_by("pk").values_list("pk", "updated_at")[:10000]
    urls = [(reverse("catalogue:catalogue"), None)]
    urls += [(reverse("catalogue:offer_detail", args=[pk]), at) for pk, at in offers]
    urls += [(reverse("catalogue:organisation_detail", args=[pk]), at) for pk, at in organisations]
    context = {"urls": [(request.build_absolute_uri(path), at) for path, at in urls]}
    return render(request, "catalogue/sitemap.xml", context, content_type="application/xml")


# Crawlers may read the public catalogue; everything behind login, the JSON helpers and the
# personal links stay out (drafts and closed listings are not reachable from public pages at all).
ROBOTS_DISALLOW = (
    "/aanbod/kaart.json",
    "/aanbod/plaatsen.json",
    "/accounts/",
    "/admin/",
    "/api/",
    "/coordinator/",
    "/dekking/",
    "/offers/",
    "/requests/",
    "/matches/",
    "/notifications/",
    "/zoekopdrachten/",
    "/agenda/",
    "/dashboard/",
    "/profile/",
)


@require_GET
def robots(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", "Allow: /aanbod/", "Allow: /organisaties/"]
    lines += [f"Disallow: {path}" for path in ROBOTS_DISALLOW]
    lines += ["", f"Sitemap: {request.build_absolute_uri(reverse('catalogue:sitemap'))}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


# Saved searches --------------------------------------------------------------------------------


@login_required
def saved_search_list(request: HttpRequest) -> HttpResponse:
    context = {"searches": selectors.saved_searches_of(request.user), "form": SaveSearchForm()}
    return render(request, "catalogue/saved_searches.html", context)


@login_required
@require_POST
def saved_search_create(request: HttpRequest) -> HttpResponse:
    """Save the search in the query string; the e-mail choice comes from the posted form."""
    form = SaveSearchForm(request.POST)
    back = f"{reverse('catalogue:catalogue')}?{request.GET.urlencode()}"
    if not form.is_valid():
        messages.error(request, _("Choose how you want to hear about new matches."))
        return redirect(back)
    get = request.GET
    try:
        services.saved_search_create(
            user=request.user,
            text=get.get("q", ""),
            near=get.get("near", ""),
            within_km=get.get("within_km") or None,
            kind=get.get("kind", ""),
            level=get.get("level", ""),
            subject=get.get("subject", ""),
            province=get.get("province", ""),
            email_mode=form.cleaned_data["email_mode"],
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(back)
    messages.success(request, _("Search saved. We will tell you about new offers that match it."))
    return redirect("catalogue:saved_search_list")


@login_required
@require_POST
def saved_search_delete(request: HttpRequest, pk: int) -> HttpResponse:
    services.saved_search_delete(saved_search=selectors.saved_search_get_for(request.user, pk))
    messages.success(request, _("Saved search deleted."))
    return redirect("catalogue:saved_search_list")


# Calendar feed ---------------------------------------------------------------------------------


@login_required
@require_POST
def calendar_feed_create(request: HttpRequest) -> HttpResponse:
    services.calendar_feed_create(user=request.user)
    messages.success(request, _("Your calendar link is ready. Any earlier link no longer works."))
    return redirect("accounts:profile")


@login_required
@require_POST
def calendar_feed_revoke(request: HttpRequest) -> HttpResponse:
    services.calendar_feed_revoke(user=request.user)
    messages.success(request, _("Your calendar link no longer works."))
    return redirect("accounts:profile")


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = selectors.calendar_feed_by_token(token)
    events = [
        activity_event(**calendar_fields(m), sequence=m.calendar_sequence)
        for m in selectors.feed_matches(feed.user)
    ]
    body = activity_feed(name="Techniekpact Match", events=events)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


# Coverage map (coordinators) -------------------------------------------------------------------


@coordinator_required
def coverage_map(request: HttpRequest) -> HttpResponse:
    provinces = coverage_selectors.coverage_by_province(provinces=scope_provinces(request.user))
    rows = [
        {"label": p.label, "schools": p.schools, "reached": p.reached, "not_reached": p.schools - p.reached}
        for p in provinces
    ]
    return render(request, "catalogue/coverage_map.html", {"provinces": rows})


@coordinator_required
def coverage_map_data(request: HttpRequest) -> JsonResponse:
    schools = coverage_selectors.schools_reached_map(provinces=scope_provinces(request.user))
    return JsonResponse(
        {
            "schools": [
                {
                    "name": s["name"],
                    "place": s["place"],
                    "province": s["province"],
                    "lat": round(s["latitude"], 4),
                    "lon": round(s["longitude"], 4),
                    "reached": s["is_reached"],
                }
                for s in schools
            ]
        }
    )
