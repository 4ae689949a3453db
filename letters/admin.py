"""« Modèles de courrier » in the admin, for the centre administrator: the same checks as the screen."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from documents.services import read_upload
from documents.validation import MAX_SIZE
from primaweb.admin import CentreAdministratorMixin

from . import services
from .models import LetterTemplate


class LetterTemplateAdminForm(forms.ModelForm):
    upload = forms.FileField(
        label=_("Fichier DOCX"),
        required=False,
        help_text=_(
            "Un DOCX fait dans Word ou LibreOffice, 1,5 Mo au plus, avec des champs tels que "
            "{{ beneficiaire.nom }}."
        ),
    )

    class Meta:
        model = LetterTemplate
        fields = ["centre", "name", "language", "document_type", "is_active"]

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        if upload is None and not self.instance.pk:
            self.add_error("upload", _("Choisissez le fichier DOCX du modèle."))
        elif upload is not None:
            self.upload_data = read_upload(upload, MAX_SIZE)
            try:
                services.template_check(name=upload.name, data=self.upload_data)
            except services.TemplateRefused as refused:
                self.add_error("upload", str(refused))
        centre, document_type = cleaned.get("centre"), cleaned.get("document_type")
        if centre and document_type and document_type.centre_id != centre.pk:
            self.add_error("document_type", _("Ce type de document appartient à un autre C.P.A.S."))
        return cleaned


@admin.register(LetterTemplate)
class LetterTemplateAdmin(CentreAdministratorMixin, admin.ModelAdmin):
    form = LetterTemplateAdminForm
    list_display = ["name", "language", "document_type", "is_active", "uploaded_at", "centre"]
    list_filter = ["language", "is_active"]
    search_fields = ["name"]
    readonly_fields = ["file_name", "fields", "uploaded_at", "uploaded_by"]

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data.get("upload")
        saved = services.template_save(
            centre=form.cleaned_data["centre"],
            name=obj.name,
            language=obj.language,
            document_type=obj.document_type,
            is_active=obj.is_active,
            by=request.user,
            file_name=upload.name if upload else "",
            data=getattr(form, "upload_data", None) if upload else None,
            template=LetterTemplate.objects.for_centre(obj.centre_id).get(pk=obj.pk) if change else None,
            request=request,
        )
        obj.pk = saved.pk
        obj.file, obj.fields, obj.file_name = saved.file, saved.fields, saved.file_name
