"""Import schools or companies from a CSV file: upload, preview (a dry run), confirm.

The uploaded content is kept in the coordinator's session between the preview and the confirmation
(never in the page), under a one-time token, so the confirmation imports exactly what was previewed.
"""

from __future__ import annotations

import secrets

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organisation
from oversight.access import coordinator_required
from oversight.services.imports import ImportResult, decode_csv, organisations_import

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
SESSION_KEY = "oversight_import"
PREVIEW_ROWS = 500


# The columns of an import file (the names are the same in every language), for the help table.
COLUMNS = (
    ("name", gettext_lazy("yes"), gettext_lazy("The name of the school or company.")),
    ("place", gettext_lazy("yes"), gettext_lazy("Town or village; the province follows from it.")),
    ("brin", gettext_lazy("schools"), gettext_lazy("BRIN code, e.g. 12AB.")),
    ("kvk", gettext_lazy("companies"), gettext_lazy("KvK number, eight digits.")),
    (
        "province",
        gettext_lazy("no"),
        gettext_lazy("Only needed when several provinces have a place with that name."),
    ),
    ("levels", gettext_lazy("new schools"), gettext_lazy("Level codes separated by | or ;, e.g. havo|vwo.")),
    ("sectors", gettext_lazy("no"), gettext_lazy("Sector codes separated by | or ;, e.g. ict|energie.")),
    ("email", gettext_lazy("no"), gettext_lazy("A contact person, invited as the organisation's admin.")),
)


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What does the file list?"),
        choices=Organisation.Kind.choices,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy("UTF-8 or Windows CSV, separated by commas or semicolons; at most 2 MB."),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; the maximum is %(max)s.")
                % {"size": filesizeformat(upload.size), "max": filesizeformat(MAX_UPLOAD_BYTES)}
            )
        self.filename = upload.name
        return upload.read()


def _preview(request: HttpRequest, result: ImportResult, token: str, filename: str) -> HttpResponse:
    # Bad rows first, so a long file's problems are on the first screen.
    rows = sorted(result.rows, key=lambda row: (not row.errors, row.line))
    context = {
        "result": result,
        "counts": result.counts,
        "rows": rows[:PREVIEW_ROWS],
        "hidden_rows": max(0, len(rows) - PREVIEW_ROWS),
        "token": token,
        "filename": filename,
    }
    return render(request, "oversight/import_preview.html", context)


@coordinator_required
def import_organisations(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and request.POST.get("token"):
        return _confirm(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        content: bytes = form.cleaned_data["file"]
        kind = form.cleaned_data["kind"]
        result = organisations_import(content=content, kind=kind, by=request.user, dry_run=True)
        token = secrets.token_urlsafe(16)
        if result.ok:
            request.session[SESSION_KEY] = {
                "token": token,
                "kind": kind,
                "filename": form.filename,
                "content": decode_csv(content),
            }
        else:
            request.session.pop(SESSION_KEY, None)
        return _preview(request, result, token, form.filename)
    return render(request, "oversight/import.html", {"form": form, "columns": COLUMNS})


def _confirm(request: HttpRequest) -> HttpResponse:
    stored = request.session.get(SESSION_KEY)
    if not stored or not secrets.compare_digest(stored["token"], request.POST["token"]):
        messages.error(request, _("This preview has expired or was already imported. Upload the file again."))
        return redirect("oversight:import")
    result = organisations_import(
        content=stored["content"], kind=stored["kind"], by=request.user, source=stored["filename"]
    )
    if not result.applied:
        # Something changed since the preview (e.g. someone registered one of these organisations).
        request.session.pop(SESSION_KEY, None)
        return _preview(request, result, "", stored["filename"])
    request.session.pop(SESSION_KEY, None)
    counts = result.counts
    messages.success(
        request,
        _(
            "Imported %(file)s: %(created)s new, %(updated)s updated, %(unchanged)s unchanged, %(invited)s invited."
        )
        % {"file": stored["filename"], **counts},
    )
    return redirect("oversight:import")
