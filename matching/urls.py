from __future__ import annotations

from django.urls import path

from matching import document_views, views

app_name = "matching"

urlpatterns = [
    path("offers/", views.offer_browse, name="offer_browse"),
    path("offers/mine/", views.offer_mine, name="offer_mine"),
    path("offers/new/", views.offer_create, name="offer_create"),
    path("offers/<int:pk>/", views.offer_detail, name="offer_detail"),
    path("offers/<int:pk>/edit/", views.offer_edit, name="offer_edit"),
    path("offers/<int:pk>/publish/", views.offer_publish, name="offer_publish"),
    path("offers/<int:pk>/close/", views.offer_close, name="offer_close"),
    path("offers/<int:pk>/reopen/", views.offer_reopen, name="offer_reopen"),
    path("offers/<int:pk>/duplicate/", document_views.offer_duplicate, name="offer_duplicate"),
    path("offers/sbb/", document_views.sbb_unchecked, name="sbb_unchecked"),
    path("offers/<int:pk>/sbb-checked/", document_views.sbb_check, name="sbb_check"),
    path("rollover/", document_views.rollover, name="rollover"),
    path("offers/<int:pk>/take-over/", views.offer_take_over, name="offer_take_over"),
    path("requests/", views.request_browse, name="request_browse"),
    path("requests/mine/", views.request_mine, name="request_mine"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", views.request_edit, name="request_edit"),
    path("requests/<int:pk>/publish/", views.request_publish, name="request_publish"),
    path("requests/<int:pk>/close/", views.request_close, name="request_close"),
    path("requests/<int:pk>/reopen/", views.request_reopen, name="request_reopen"),
    path("requests/<int:pk>/duplicate/", document_views.request_duplicate, name="request_duplicate"),
    path("requests/<int:pk>/take-over/", views.request_take_over, name="request_take_over"),
]
