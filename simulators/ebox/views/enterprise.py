"""The tester's page for enterprise e-Boxes: drop an institution's message into a centre's box.

It stands for the SPP IS, the ONEM and other institutions writing to a CPAS; citizens' replies reach the
same boxes through the My eBox reply flow.
"""

from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .. import services
from ..forms import KNOWN_SENDERS, EnterpriseDropForm
from ..models import EnterpriseMessage

BRAND = "e-Box Enterprise"


def drop(request: HttpRequest) -> HttpResponse:
    form = EnterpriseDropForm(request.POST or None, initial={"recipient_bce": request.GET.get("bce", "")})
    if request.method == "POST" and form.is_valid():
        message = services.enterprise_message_drop(**form.cleaned_data)
        flash.success(
            request,
            f"Message {message.message_id} déposé dans l'e-Box de l'entreprise {message.box.bce}.",
        )
        return redirect(f"{request.path}?bce={message.box.bce}")
    recent = EnterpriseMessage.objects.select_related("box").order_by("-received_at", "-id")[:20]
    context = {"form": form, "known_senders": KNOWN_SENDERS, "recent": recent, "brand": BRAND}
    return render(request, "ebox_simulator/enterprise_drop.html", context)
