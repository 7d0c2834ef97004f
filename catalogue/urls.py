from __future__ import annotations

from django.urls import path

from catalogue import views

app_name = "catalogue"

# Dutch paths: the public catalogue is found and shared in Dutch (the site has no language prefix).
urlpatterns = [
    path("aanbod/", views.catalogue, name="catalogue"),
    path("aanbod/kaart.json", views.map_data, name="map_data"),
    path("aanbod/plaatsen.json", views.place_suggestions, name="place_suggestions"),
    path("aanbod/<int:pk>/", views.offer_detail, name="offer_detail"),
    path("organisaties/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("robots.txt", views.robots, name="robots"),
    path("zoekopdrachten/", views.saved_search_list, name="saved_search_list"),
    path("zoekopdrachten/opslaan/", views.saved_search_create, name="saved_search_create"),
    path("zoekopdrachten/<int:pk>/verwijderen/", views.saved_search_delete, name="saved_search_delete"),
    path("dekking/kaart/", views.coverage_map, name="coverage_map"),
    path("dekking/kaart.json", views.coverage_map_data, name="coverage_map_data"),
    path("agenda/nieuw/", views.calendar_feed_create, name="calendar_feed_create"),
    path("agenda/intrekken/", views.calendar_feed_revoke, name="calendar_feed_revoke"),
    path("agenda/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
