from django.db import connection
from django.db.models import BigAutoField, Expression, F, Q, QuerySet
from django.db.models.expressions import Col, RawSQL
from stdnum.be import nn

from primaweb.models import Centre
from primaweb.tenancy import get_for_centre_or_404

from .models import Dossier

SORTS = {
    "number": "number",
    "-number": "-number",
    "name": "beneficiary__last_name",
    "-name": "-beneficiary__last_name",
    "created": "created_at",
    "-created": "-created_at",
}


class BeneficiaryId(Expression):
    """The beneficiary's id read from the persons' row (`dossiers_person.id`), not from the dossier.

    `F("beneficiary__id")` is the same value, but Django reads it from the dossier's own column
    (`beneficiary_id`): the persons' index (centre, last_name, id) cannot start a page at a position
    (last_name, id) given on two tables. This is the persons' column, on the join the list already has.
    """

    output_field = BigAutoField()

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        name = F("beneficiary__last_name").resolve_expression(query, allow_joins, reuse, summarize, for_save)
        return Col(
            name.alias, Dossier._meta.get_field("beneficiary").related_model._meta.pk, self.output_field
        )


def dossiers_of_centre(*, centre: Centre, sort: str = "-created") -> QuerySet[Dossier]:
    order = SORTS.get(sort, "-created_at")
    # The beneficiary's centre said too (it is the dossier's): the persons' indexes start with the centre,
    # so a name search or the name order reads this centre's persons only, not every centre's namesakes.
    dossiers = (
        Dossier.objects.for_centre(centre)
        .filter(beneficiary__centre=centre)
        .select_related("beneficiary", "created_by")
    )
    if "beneficiary__" not in order:
        return dossiers.order_by(*dict.fromkeys([order, "-pk"]))
    # By name, the beneficiary's id breaks ties (one dossier per beneficiary in a centre, so the dossier's
    # id never decides): the persons' index (centre, last_name, id) gives the whole order, a page starts
    # at its position (name, id) in it, and needs no sort of the namesakes.
    direction = "-" if order.startswith("-") else ""
    return dossiers.annotate(beneficiary_key=BeneficiaryId()).order_by(
        order, f"{direction}beneficiary_key", f"{direction}pk"
    )


def dossier_search(*, centre: Centre, niss: str = "", name: str = "", number: str = "") -> QuerySet[Dossier]:
    dossiers = dossiers_of_centre(centre=centre, sort="name")
    if niss:
        dossiers = dossiers.filter(beneficiary__niss=nn.compact(niss))
    if number:
        dossiers = dossiers.filter(number__iexact=number.strip())
    for word in name.split():
        dossiers = dossiers.filter(
            Q(beneficiary__last_name__icontains=word) | Q(beneficiary__first_names__icontains=word)
        )
        if connection.vendor == "postgresql":
            dossiers = dossiers.filter(
                beneficiary__last_name__gte=_first_possible_name(centre=centre, word=word)
            )
    return dossiers


# How many of the centre's distinct last names the skip scan visits, at most, looking for the first that
# contains the word (an index probe each); past it, the list is read from the last one visited.
SKIPPED_NAMES = 1000


def _first_possible_name(*, centre: Centre, word: str) -> RawSQL:
    """A last name no person matching `word` sorts before: where the list by name can start reading.

    The list is read in name order and each person filtered: without a start, every namesake sorting
    before the first match is read (all the « Dubois » before « Dupont »). The start is the smaller of
    the first last name containing the word, found by hopping from one distinct name to the next in the
    persons' index (SKIPPED_NAMES hops at most: then the name reached, which no earlier name matches),
    and of the smallest last name of the persons whose first names contain it (the trigram index).
    NULL when nobody matches: then no row does, as the search's own condition says.
    """
    pattern = f"%{connection.ops.prep_for_like_query(word)}%"
    return RawSQL(FIRST_POSSIBLE_NAME, (centre.pk, centre.pk, pattern, SKIPPED_NAMES, centre.pk, pattern))  # noqa: S611


FIRST_POSSIBLE_NAME = """LEAST(
        (WITH RECURSIVE names (name, hop) AS (
            (SELECT last_name, 1 FROM dossiers_person WHERE centre_id = %s ORDER BY last_name LIMIT 1)
            UNION ALL
            SELECT (SELECT p.last_name FROM dossiers_person p WHERE p.centre_id = %s
                    AND p.last_name > names.name ORDER BY p.last_name LIMIT 1), hop + 1
            FROM names
            WHERE names.name IS NOT NULL AND UPPER(names.name) NOT LIKE UPPER(%s) AND hop < %s
        ) SELECT name FROM names ORDER BY hop DESC LIMIT 1),
        (SELECT MIN(last_name) FROM dossiers_person WHERE centre_id = %s
            AND UPPER(first_names::text) LIKE UPPER(%s)))"""


def dossier_for_niss(*, centre: Centre, niss: str) -> Dossier | None:
    return Dossier.objects.for_centre(centre).filter(beneficiary__niss=niss).first()


def dossier_numbers_by_niss(*, centre: Centre, nisses: list[str]) -> dict[str, Dossier]:
    """The existing dossiers among the given persons, so a result list leads to them, never to duplicates."""
    # The beneficiary's centre said too: the persons' unique index (centre, niss) then finds them.
    dossiers = (
        Dossier.objects.for_centre(centre)
        .filter(beneficiary__centre=centre, beneficiary__niss__in=nisses)
        .select_related("beneficiary")
    )
    return {d.beneficiary.niss: d for d in dossiers}


def dossier_of_centre_or_404(*, centre: Centre, pk: int) -> Dossier:
    """The centre's dossier `pk` with its beneficiary; another centre's (or no) dossier raises Http404."""
    return get_for_centre_or_404(Dossier.objects.select_related("beneficiary"), centre, pk=pk)


def dossiers_matching(
    *, centre: Centre, name: str = "", created_from=None, created_to=None
) -> QuerySet[Dossier]:
    """« Dossiers du C.P.A.S. » narrowed by the beneficiary's name and the dossier's creation day."""
    dossiers = dossier_search(centre=centre, name=name)
    if created_from:
        dossiers = dossiers.filter(created_at__date__gte=created_from)
    if created_to:
        dossiers = dossiers.filter(created_at__date__lte=created_to)
    return dossiers
