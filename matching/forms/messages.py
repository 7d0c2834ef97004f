"""The message form of a match's thread."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from matching.models import MatchMessage


class MatchMessageForm(forms.Form):
    """A message in a match's thread. Not required here: the service says what an empty one lacks
    (the browser already asks through the `required` attribute)."""

    body = forms.CharField(
        label=_("Your message"),
        required=False,
        max_length=MatchMessage.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "required": True}),
        help_text=_("Everyone in this match reads it: both sides and the coordinator of the region."),
    )
