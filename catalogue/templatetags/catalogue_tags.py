from __future__ import annotations

from django import template
from django.http import HttpRequest
from django.urls import reverse

from catalogue.models import CalendarFeed

register = template.Library()


@register.simple_tag(takes_context=True)
def calendar_feed_links(context: template.Context) -> dict[str, str] | None:
    """The person's calendar feed as https:// and webcal:// links, or None without one."""
    request: HttpRequest = context["request"]
    feed = CalendarFeed.objects.filter(user=request.user).first()
    if feed is None:
        return None
    https = request.build_absolute_uri(reverse("catalogue:calendar_feed", args=[feed.token]))
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}
