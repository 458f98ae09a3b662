"""The forms of an import on the web: the file, the columns' meaning, the decision."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from corridor.interop.mapping import FIELD_LABELS, FIELDS_BY_KIND, header_key
from corridor.uploads import UploadRejected, check_upload


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (XLSX, ODS or CSV)"),
        help_text=_("Headers in Arabic or English; the first sheet is read."),
    )
    source = forms.CharField(
        label=_("Sent by"),
        required=False,
        max_length=100,
        help_text=_("Who sent the list. Corridor remembers the columns of each sender's files."),
    )

    def __init__(self, *args: Any, sources: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.ods,.csv"
        if sources:
            self.fields["source"].widget.attrs["list"] = "known-sources"
        self.sources = sources or []

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        try:
            check_upload(upload, upload.size or 0, max_bytes=settings.CORRIDOR_MAX_UPLOAD_BYTES)
        except UploadRejected as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload

    def clean_source(self) -> str:
        return " ".join(str(self.cleaned_data.get("source", "")).split())


NOT_USED = ""


class ColumnsForm(forms.Form):
    """One choice per header of the file: the field it gives, or none."""

    def __init__(
        self, *args: Any, kind: str, headers: list[str], chosen: dict[str, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [(NOT_USED, _("(not used)"))] + [
            (name, FIELD_LABELS[name]) for name in FIELDS_BY_KIND[kind]
        ]
        self.headers = headers
        for index, header in enumerate(headers):
            if not header_key(header):
                continue
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header,
                choices=choices,
                required=False,
                initial=chosen.get(header_key(header), NOT_USED),
            )

    def choices(self) -> dict[str, str]:
        """Normalised header -> field, "" for a column left out."""
        return {
            header_key(self.headers[int(name.removeprefix("column_"))]): value
            for name, value in self.cleaned_data.items()
        }


class DecisionForm(forms.Form):
    IMPORT = "import"
    KEEP_VALID = "keep_valid"
    DISCARD = "discard"

    decision = forms.ChoiceField(
        choices=[
            (IMPORT, _("Import")),
            (KEEP_VALID, _("Import only the valid rows")),
            (DISCARD, _("Discard the file")),
        ]
    )
