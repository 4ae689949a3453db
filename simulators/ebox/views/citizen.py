"""The citizen's My eBox pages: sign in with a NISS, activate, inbox, open, reply, deactivate.

The simulated citizen is whoever types a NISS (no eID here); the NISS is kept in the session.
"""

from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from .. import services
from ..forms import ActivationForm, ReplyForm, SignInForm
from ..models import Attachment, Citizen, Message

SESSION_KEY = "ebox_simulator_niss"


def _citizen(request: HttpRequest) -> Citizen | None:
    niss = request.session.get(SESSION_KEY)
    return Citizen.objects.filter(niss=niss).first() if niss else None


def citizen_required(view):
    def wrapper(request, *args, **kwargs):
        citizen = _citizen(request)
        if citizen is None:
            return redirect("ebox_simulator:sign_in")
        if not citizen.activated and view.__name__ not in ("activate", "sign_out"):
            return redirect("ebox_simulator:activate")
        return view(request, citizen, *args, **kwargs)

    wrapper.__name__ = view.__name__
    return wrapper


def _visible_message(citizen: Citizen, message_id: str) -> Message:
    message = get_object_or_404(
        Message,
        message_id=message_id,
        recipient_niss=citizen.niss,
        delivered=True,
        expires_at__gt=timezone.now(),
    )
    return message


def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        citizen = services.citizen_sign_in(niss=form.cleaned_data["niss"])
        request.session[SESSION_KEY] = citizen.niss
        return redirect("ebox_simulator:inbox" if citizen.activated else "ebox_simulator:activate")
    known = Citizen.objects.order_by("niss")[:20]
    return render(request, "ebox_simulator/sign_in.html", {"form": form, "known": known})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    return redirect("ebox_simulator:sign_in")


@citizen_required
def activate(request: HttpRequest, citizen: Citizen) -> HttpResponse:
    initial = {"email": citizen.email, "language": citizen.language, "notifications": citizen.notifications}
    form = ActivationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        was_active = citizen.activated
        services.citizen_activate(citizen=citizen, **form.cleaned_data)
        flash.success(
            request, "Vos préférences sont enregistrées." if was_active else "Votre eBox est activée."
        )
        return redirect("ebox_simulator:inbox")
    return render(request, "ebox_simulator/activate.html", {"form": form, "citizen": citizen})


@citizen_required
def inbox(request: HttpRequest, citizen: Citizen) -> HttpResponse:
    messages = Message.objects.filter(
        recipient_niss=citizen.niss, delivered=True, expires_at__gt=timezone.now()
    ).order_by("-published_at", "-id")
    return render(request, "ebox_simulator/inbox.html", {"citizen": citizen, "inbox_messages": messages})


@citizen_required
def message_detail(request: HttpRequest, citizen: Citizen, message_id: str) -> HttpResponse:
    message = _visible_message(citizen, message_id)
    if message.body_main_content:
        services.message_open(message=message)
    attachments = list(message.attachments.defer("data"))
    main = next((attachment for attachment in attachments if attachment.main_content), None)
    reply = getattr(message, "reply", None)
    context = {
        "citizen": citizen,
        "message": message,
        "sender": services.sender_display(message),
        "attachments": attachments,
        "main": main,
        "reply": reply,
        "reply_form": ReplyForm() if message.reply_authorized and reply is None else None,
    }
    return render(request, "ebox_simulator/message.html", context)


@xframe_options_sameorigin  # the message page shows the PDF in a frame
@citizen_required
def attachment(request: HttpRequest, citizen: Citizen, message_id: str, pk: int) -> HttpResponse:
    message = _visible_message(citizen, message_id)
    part = get_object_or_404(Attachment, message=message, pk=pk)
    if part.main_content:
        services.message_open(message=message)
    response = HttpResponse(bytes(part.data), content_type=part.media_type)
    response["Content-Disposition"] = content_disposition_header(False, part.file_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@citizen_required
def reply(request: HttpRequest, citizen: Citizen, message_id: str) -> HttpResponse:
    message = _visible_message(citizen, message_id)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        flash.error(request, " ".join(error for errors in form.errors.values() for error in errors))
    else:
        try:
            services.reply_create(message=message, **form.cleaned_data)
            flash.success(request, "Votre réponse a été envoyée.")
        except services.ReplyRefused as refusal:
            flash.error(request, str(refusal))
    return redirect("ebox_simulator:message", message_id=message.message_id)


@citizen_required
def deactivate(request: HttpRequest, citizen: Citizen) -> HttpResponse:
    if request.method == "POST":
        services.citizen_deactivate(citizen=citizen)
        flash.success(request, "Votre eBox est désactivée. Vous recevrez désormais vos documents sur papier.")
        return redirect("ebox_simulator:activate")
    return render(request, "ebox_simulator/deactivate.html", {"citizen": citizen})
