from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin

pytestmark = pytest.mark.django_db

OWN_APPS = ("accounts", "matching", "taxonomy", "notifications")


def test_every_model_is_in_the_admin():
    missing = [
        model.__name__
        for app in OWN_APPS
        for model in apps.get_app_config(app).get_models()
        if model not in admin.site._registry
    ]
    assert missing == []


def test_admin_changelists_render(client, cast):
    client.force_login(cast.platform_admin)
    for model in admin.site._registry:
        if model._meta.app_label not in OWN_APPS:
            continue
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert client.get(url).status_code == 200, url
        assert client.get(url + "?q=test").status_code == 200, url
