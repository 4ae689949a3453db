"""« Modèles de courrier »: the centre administrator's templates, checked on upload."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from documents.models import DocumentType
from documents.services import read_upload
from documents.validation import MAX_SIZE
from primaweb.access import administrator_required, centre_required, ensure_administrator
from primaweb.tenancy import get_for_centre_or_404

from .. import fields, selectors, services
from ..forms import TemplateForm
from ..models import LetterTemplate


def _document_types(request):
    return DocumentType.objects.for_centre(request.centre).filter(is_active=True)


@administrator_required
@require_GET
def template_list(request):
    templates = selectors.templates_of(centre=request.centre)
    return render(request, "letters/templates.html", {"templates": templates})


@administrator_required
@require_http_methods(["GET", "POST"])
def template_add(request):
    return _edit(request, None)


@centre_required
@require_http_methods(["GET", "POST"])
def template_edit(request, pk: int):
    template = get_for_centre_or_404(LetterTemplate.objects, request.centre, pk=pk)
    ensure_administrator(request)  # after the look-up: another centre's template is a 404 for everyone
    return _edit(request, template)


def _edit(request, template):
    initial = {}
    if template is not None:
        initial = {
            "name": template.name,
            "language": template.language,
            "document_type": template.document_type,
            "is_active": template.is_active,
        }
    form = TemplateForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        document_types=_document_types(request),
        file_required=template is None,
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            saved = services.template_save(
                centre=request.centre,
                name=form.cleaned_data["name"],
                language=form.cleaned_data["language"],
                document_type=form.cleaned_data["document_type"],
                is_active=form.cleaned_data["is_active"],
                file_name=upload.name if upload else "",
                data=read_upload(upload, MAX_SIZE) if upload else None,
                template=template,
                by=request.user,
                request=request,
            )
        except services.TemplateNameTaken as taken:
            form.add_error("name", str(taken))
        except services.TemplateRefused as refused:
            form.add_error("file", str(refused))
        else:
            messages.success(request, _("Le modèle « %(name)s » a été enregistré.") % {"name": saved.name})
            return redirect("letters:templates")
    return render(
        request,
        "letters/template_edit.html",
        {"form": form, "template": template, "fields": fields.FIELDS.items()},
    )
