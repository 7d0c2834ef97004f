from __future__ import annotations

app_name = "matches"
urlpatterns: list = []
