from __future__ import annotations

from typing import Any

from django import forms

from notifications.models import Group, Preference


class PreferencesForm(forms.Form):
    """One radio group per notification group: immediately / daily digest / off."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for group in Group:
            self.fields[group.value] = forms.ChoiceField(
                label=group.label,
                choices=Preference.EmailMode.choices,
                widget=forms.RadioSelect,
            )
