from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    bundle = forms.FileField(
        label=_("Bundle (.zip)"),
        help_text=_("A .zip of persons.csv, relations.csv, incidents.csv and involvements.csv "
                    "(any of them), as described in the interchange format."),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )

    def clean_bundle(self) -> object:
        bundle = self.cleaned_data["bundle"]
        if not bundle.name.lower().endswith(".zip"):
            raise forms.ValidationError(_("Upload a .zip file."))
        return bundle
