"""« Rédiger un courrier » on a dossier: a template filled from the dossier and the register, the free
text, the PDF preview, then the letter saved as a document of the dossier."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods

from documents.conversion import ConversionError, ConverterUnavailable
from documents.services import StorageFailed
from documents.validation import FileRefused
from dossiers.models import Dossier
from primaweb.access import centre_required
from primaweb.services import audit_consultation
from primaweb.tenancy import get_for_centre_or_404

from .. import fields, selectors, services
from ..forms import ComposeForm


def _dossier(request, dossier_pk: int) -> Dossier:
    return get_for_centre_or_404(
        Dossier.objects.select_related("beneficiary", "centre"), request.centre, pk=dossier_pk
    )


@centre_required
@require_GET
def dossier_section(request, dossier_pk: int):
    """The dossier page's « Courriers » section: the way to « Rédiger un courrier »."""
    dossier = _dossier(request, dossier_pk)
    return render(request, "letters/_dossier_section.html", {"dossier": dossier})


@centre_required
@require_http_methods(["GET", "POST"])
def compose(request, dossier_pk: int):
    dossier = _dossier(request, dossier_pk)
    person = dossier.beneficiary
    languages = services.letter_languages(centre=request.centre, person=person)
    templates = selectors.templates_for_languages(centre=request.centre, languages=languages)
    form = ComposeForm(request.POST or None, templates=templates)
    empty: list[str] = []
    values = None
    if request.method == "GET":
        audit_consultation(
            request=request, what=gettext_noop("Rédiger un courrier"), target=dossier, persons=[person.niss]
        )
    elif form.is_valid():
        template = form.cleaned_data["template"]
        action = request.POST.get("action", "fields")
        try:
            letter = services.letter_render(
                template=template,
                dossier=dossier,
                by=request.user,
                free_text=form.cleaned_data["free_text"],
                allow_empty=form.cleaned_data["allow_empty"] or action == "fields",
            )
        except services.FieldsEmpty as missing:
            form.add_error(None, str(missing))
            empty = missing.names
        else:
            values = [(name, fields.FIELDS[name], letter.values[name]) for name in template.fields]
            empty = letter.empty
            done = None
            if action == "preview":
                done = _preview(form, letter)
            elif action == "save":
                done = _save(request, form, template, dossier, letter)
            if done is not None:
                return done
    return render(
        request,
        "letters/compose.html",
        {
            "dossier": dossier,
            "person": person,
            "form": form,
            "values": values,
            "empty": empty,
            "has_templates": templates.exists(),
        },
    )


def _preview(form, letter):
    """The PDF, or None with the reason on the form (the free text typed stays in it)."""
    try:
        pdf = services.letter_preview(letter=letter)
    except FileRefused as refusal:
        form.add_error(None, str(refusal))
    except ConverterUnavailable:
        form.add_error(None, _("Le convertisseur ne répond pas : réessayez l'aperçu dans un instant."))
    except ConversionError:
        form.add_error(None, _("Le courrier n'a pas pu être converti en PDF ; vérifiez le modèle."))
    else:
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = 'inline; filename="apercu.pdf"'
        return response
    return None


def _save(request, form, template, dossier, letter):
    try:
        document = services.letter_save(
            template=template, dossier=dossier, letter=letter, by=request.user, request=request
        )
    except (FileRefused, StorageFailed) as refused:
        form.add_error(None, str(refused))
        return None
    messages.success(
        request,
        _(
            "Le courrier a été enregistré dans le dossier ; il est converti en PDF puis pourra être "
            "envoyé vers l'eBox."
        ),
    )
    return redirect("documents:detail", pk=document.pk)
