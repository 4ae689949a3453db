from django import forms
from django.utils.translation import gettext_lazy as _

from primaweb.forms import TypedTextMixin

from .selectors import OVERDUE, TODAY, WEEK

MINE, CENTRE = "moi", "centre"


class DeadlineFilterForm(TypedTextMixin, forms.Form):
    """Whose deadlines (mine or the centre's) and which period (overdue, today, this week)."""

    qui = forms.ChoiceField(
        label=_("Échéances"),
        choices=[(MINE, _("mes échéances")), (CENTRE, _("toutes les échéances du C.P.A.S."))],
        required=False,
    )
    periode = forms.ChoiceField(
        label=_("Période"),
        choices=[
            (OVERDUE, _("dépassées")),
            (TODAY, _("aujourd'hui")),
            (WEEK, _("dans les sept prochains jours")),
        ],
        required=False,
    )

    def criteria(self) -> dict:
        """The valid choice (mine and overdue by default); a bad value falls back to the default."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {"mine": (data.get("qui") or MINE) == MINE, "period": data.get("periode") or OVERDUE}


class DigestForm(TypedTextMixin, forms.Form):
    enabled = forms.BooleanField(
        label=_("Recevoir chaque matin par e-mail le résumé de mes échéances"),
        required=False,
        help_text=_("Ce qui est dépassé, ce qui échoit aujourd'hui et dans les sept prochains jours."),
    )
