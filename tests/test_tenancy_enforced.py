"""Tenancy is enforced: an unscoped query on centre-owned data inside a request or a task fails loudly."""

import pytest
from celery import shared_task
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, OuterRef, Subquery
from django.http import HttpResponse
from django.urls import include, path

from documents.models import Document, DocumentEvent
from dossiers.models import Dossier, Person
from primaweb import tenancy
from primaweb.models import Centre, Membership, User
from primaweb.tenancy import (
    UnscopedQuery,
    across_centres,
    mark_across_centres,
    tenancy_enforced,
    tenancy_is_enforced,
)
from primaweb.urls import urlpatterns as project_urlpatterns
from tests.conftest import sign_in
from tests.factories import (
    CentreFactory,
    MembershipFactory,
    centre_label_in,
    centre_message_in,
    document_in,
)

pytestmark = pytest.mark.django_db


# --- test-only views, in a URLconf that adds them to the project's ------------------------------------


def _forgets_for_centre(request):
    names = [str(dossier) for dossier in Dossier.objects.filter(number__isnull=False)]
    return HttpResponse(", ".join(names))


def _scoped(request):
    return HttpResponse(str(Dossier.objects.for_centre(request.centre).count()))


def _across_centres(request):
    every = Dossier.objects.across_centres(reason="a test that counts every centre's dossiers")
    return HttpResponse(str(every.count()))


def _through_a_scoped_parent(request):
    dossier = Dossier.objects.for_centre(request.centre).get()
    return HttpResponse(str(len(dossier.documents.all())))


def _gets_by_id(request, pk):
    return HttpResponse(str(Document.objects.get(pk=pk)))


urlpatterns = [
    path(
        "tenancy-test/",
        include(
            (
                [
                    path("forgets/", _forgets_for_centre),
                    path("scoped/", _scoped),
                    path("across/", _across_centres),
                    path("parent/", _through_a_scoped_parent),
                    path("by-id/<int:pk>/", _gets_by_id),
                ],
                "tenancy_test",
            )
        ),
    ),
    *project_urlpatterns,
]

with_test_views = pytest.mark.urls(__name__)


@pytest.fixture
def foreign_document():
    return document_in(CentreFactory(brussels=True))


@pytest.fixture
def signed_in(client, foreign_document):
    own = CentreFactory()
    document_in(own)
    sign_in(client, MembershipFactory(centre=own).user, own)
    return client


@with_test_views
def test_a_view_that_forgets_for_centre_fails_instead_of_leaking(signed_in):
    with pytest.raises(UnscopedQuery, match="dossiers.Dossier"):
        signed_in.get("/tenancy-test/forgets/")


@with_test_views
def test_a_view_that_gets_an_object_by_id_without_its_centre_fails(signed_in, foreign_document):
    with pytest.raises(UnscopedQuery, match="documents.Document"):
        signed_in.get(f"/tenancy-test/by-id/{foreign_document.pk}/")


@with_test_views
@pytest.mark.parametrize(
    ("url", "expected"), [("/tenancy-test/scoped/", b"1"), ("/tenancy-test/across/", b"2")]
)
def test_scoped_and_declared_cross_centre_reads_work_in_a_request(signed_in, url, expected):
    response = signed_in.get(url)
    assert response.status_code == 200
    assert response.content == expected


@with_test_views
def test_children_of_an_object_reached_through_its_centre_are_readable(signed_in):
    response = signed_in.get("/tenancy-test/parent/")
    assert response.status_code == 200
    assert response.content == b"1"


def test_enforcement_lasts_for_the_request_only(client, worker, centre):
    sign_in(client, worker, centre)
    assert client.get("/").status_code == 200
    assert not tenancy_is_enforced()


# --- the rule, query by query ------------------------------------------------------------------------


@pytest.fixture
def two_centres():
    own, foreign = CentreFactory(), CentreFactory(brussels=True)
    own_document, foreign_document = document_in(own), document_in(foreign)
    for document in (own_document, foreign_document):
        DocumentEvent.objects.create(document=document, kind=DocumentEvent.Kind.VIEWED)
    return own, own_document, foreign_document


def _first_centre():
    return Centre.objects.order_by("pk").first()


@pytest.mark.parametrize(
    "query",
    [
        lambda: list(Dossier.objects.all()),
        lambda: Dossier.objects.first(),
        lambda: Dossier.objects.count(),
        lambda: Dossier.objects.exists(),
        lambda: Dossier.objects.aggregate(n=Count("pk")),
        lambda: list(Dossier.objects.iterator()),
        lambda: Dossier.objects.in_bulk(),
        lambda: Dossier.objects.update(number="X"),
        lambda: Document.objects.all().delete(),
        lambda: Dossier.objects.get_or_create(number="X"),
        lambda: list(DocumentEvent.objects.all()),
        lambda: list(Membership.objects.all()),
        # An unscoped subquery selects other centres' rows inside a scoped query.
        lambda: list(
            Person.objects.for_centre(_first_centre()).filter(pk__in=Dossier.objects.values("beneficiary"))
        ),
        # An OR with an unscoped queryset is unscoped.
        lambda: list(Dossier.objects.for_centre(_first_centre()) | Dossier.objects.all()),
        lambda: list(Dossier.objects.for_centre(_first_centre()).union(Dossier.objects.all())),
        # A user spans centres: their memberships are not reached through a centre.
        lambda: list(MembershipFactory(centre=_first_centre()).user.memberships.all()),
    ],
)
def test_unscoped_queries_are_refused_while_enforced(two_centres, query):
    with tenancy_enforced(), pytest.raises(UnscopedQuery):
        query()


# --- every way to the SQL, not only the centre-owned querysets' own methods ---------------------------


def _foreign_dossier():
    return (
        Dossier.objects.across_centres(reason="a test picks the other centre's dossier").order_by("pk").last()
    )


def _member_of_the_foreign_centre():
    return MembershipFactory(centre=_foreign_dossier().centre).user


def _users_of_the_foreign_centre():
    _member_of_the_foreign_centre()
    return User.objects.filter(
        memberships__centre=_foreign_dossier().centre, memberships__role=Membership.Role.SOCIAL_WORKER
    )


@pytest.mark.parametrize(
    "query",
    [
        # Django's base manager (`Model.save()`, related descriptors, the deletion collector use it).
        lambda: Dossier._base_manager.filter(pk=_foreign_dossier().pk).exists(),
        lambda: Dossier._base_manager.get(pk=_foreign_dossier().pk),
        lambda: list(DocumentEvent._base_manager.all()),
        # A queryset built without any manager at all.
        lambda: models.QuerySet(Dossier).count(),
        # Subqueries copy the inner queryset's SQL query, not the queryset.
        lambda: Centre.objects.filter(Exists(Dossier.objects.filter(centre=OuterRef("pk")))).exists(),
        lambda: list(
            Centre.objects.annotate(
                first=Subquery(Dossier.objects.filter(centre=OuterRef("pk")).values("number")[:1])
            )
        ),
        lambda: (
            Person.objects.for_centre(_first_centre())
            .filter(Exists(Dossier.objects.filter(beneficiary=OuterRef("pk"))))
            .count()
        ),
        # A model that is not centre-owned, joined to centre-owned tables.
        lambda: _users_of_the_foreign_centre().get(),
        lambda: User.objects.values_list("memberships__centre__name_fr", flat=True).first(),
        lambda: list(User.objects.order_by("memberships__role")),
        lambda: list(User.objects.annotate(accesses=Count("memberships"))),
        lambda: list(User.objects.exclude(memberships__centre=_foreign_dossier().centre)),
        lambda: Dossier.objects.exclude(documents__status="nothing").count(),
        # A related-object hint from an object that is not centre-owned gives no pass: a user spans centres.
        lambda: Dossier._base_manager.db_manager(hints={"instance": _member_of_the_foreign_centre()}).get(
            pk=_foreign_dossier().pk
        ),
        # A deletion that starts from a user cascades into the centres' memberships.
        lambda: _member_of_the_foreign_centre().delete(),
    ],
    ids=[
        "base manager exists",
        "base manager get",
        "base manager of a model centre-owned through its parent",
        "queryset built without a manager",
        "Exists in a query of centres",
        "Subquery in a query of centres",
        "unscoped Exists inside a scoped query",
        "users filtered through their memberships",
        "users' values through their memberships",
        "users ordered through their memberships",
        "users annotated through their memberships",
        "users excluded through their memberships",
        "multi-valued exclude of an unscoped query",
        "related hint from a user",
        "deletion of a user cascading into memberships",
    ],
)
def test_every_path_to_centre_owned_rows_is_refused_while_enforced(two_centres, query):
    with tenancy_enforced(), pytest.raises(UnscopedQuery):
        query()


def test_those_paths_work_once_scoped_or_marked(two_centres):
    own, own_document, foreign_document = two_centres
    member = MembershipFactory(centre=own).user
    with tenancy_enforced():
        assert (
            Centre.objects.filter(Exists(Dossier.objects.for_centre(own).filter(centre=OuterRef("pk")))).get()
            == own
        )
        own_dossiers = Dossier.objects.for_centre(own).filter(beneficiary=OuterRef("pk"))
        assert Person.objects.for_centre(own).filter(Exists(own_dossiers)).count() == 1
        members = User.objects.filter(
            memberships__centre=own, memberships__role=Membership.Role.SOCIAL_WORKER
        )
        assert mark_across_centres(members, reason="a test").get() == member
        assert Dossier._base_manager.for_centre(own).filter(pk=foreign_document.dossier_id).exists() is False
        # Django builds a multi-valued exclude's inner query itself: the outer query's scope covers it.
        assert Dossier.objects.for_centre(own).exclude(documents__status="nothing").count() == 1
        assert Dossier.objects.for_centre(own).exclude(documents__status=own_document.status).count() == 0
        others = User.objects.exclude(memberships__centre=foreign_document.centre).filter(pk=member.pk)
        assert list(mark_across_centres(others, reason="a test")) == [member]
        with across_centres(reason="a test"):
            assert User.objects.filter(memberships__centre=own).get() == member


def test_djangos_own_paths_from_an_object_reached_through_its_centre_keep_working(two_centres):
    own, own_document, foreign_document = two_centres
    message, label = centre_message_in(own), centre_label_in(own)
    with tenancy_enforced():
        document = Document.objects.for_centre(own).get()
        # Forward links go through the base manager, with the document as the hint.
        assert document.dossier.beneficiary.centre == own
        assert (
            list(
                DocumentEvent.objects.for_centre(own)
                .select_related("document")
                .prefetch_related("document__dossier")
            )[0].document.dossier
            == document.dossier
        )
        document.refresh_from_db()
        document.save()
        event = document.events.get()
        event.refresh_from_db()
        event.delete()
        message = type(message).objects.for_centre(own).get()
        message.labels.add(label)
        message.labels.remove(label)
        message.labels.add(label)
        # A deletion that starts from scoped rows takes their cascade (the link to the label) with them.
        type(label).objects.for_centre(own).delete()
        assert message.labels.count() == 0
        message.delete()
    assert DocumentEvent.objects.filter(document=foreign_document).count() == 1


def test_every_centre_owned_models_base_manager_refuses_unscoped_reads():
    """Django reaches rows through `_base_manager` behind the scenes: it enforces like `objects`."""
    centre_owned = [m for m in apps.get_models() if tenancy.is_centre_owned(m)]
    plain = [
        m._meta.label
        for m in centre_owned
        if not issubclass(m._base_manager._queryset_class, tenancy.CentreOwnedQuerySet)
    ]
    assert centre_owned and plain == []


def test_a_superuser_deletes_an_account_with_its_accesses_in_every_centre(client):
    own, foreign = CentreFactory(), CentreFactory(brussels=True)
    superuser = MembershipFactory(centre=own, role=Membership.Role.ADMINISTRATOR).user
    User.objects.filter(pk=superuser.pk).update(is_superuser=True, is_staff=True)
    account = MembershipFactory(centre=own).user
    MembershipFactory(centre=foreign, user=account)
    client.force_login(superuser)
    url = f"/admin/primaweb/user/{account.pk}/delete/"

    assert client.get(url).status_code == 200
    assert client.post(url, {"post": "yes"}).status_code == 302

    assert not User.objects.filter(pk=account.pk).exists()
    assert not Membership.objects.filter(user_id=account.pk).exists()


def test_scoped_queries_see_their_centre_only_while_enforced(two_centres):
    own, own_document, foreign_document = two_centres
    with tenancy_enforced():
        assert list(Document.objects.for_centre(own)) == [own_document]
        assert Document.objects.for_centre(own).filter(pk=foreign_document.pk).count() == 0
        assert list(DocumentEvent.objects.for_centre(own).values_list("document", flat=True)) == [
            own_document.pk
        ]
        assert own_document.events.count() == 1
        assert Document.objects.for_centres([own]).count() == 1
        assert (Document.objects.for_centre(own) & Document.objects.all()).count() == 1
        assert Document.objects.across_centres(reason="a test").count() == 2
        with across_centres(reason="a test"):
            assert Document.objects.count() == 2
        assert Dossier.objects.none().count() == 0


def test_a_cross_centre_read_must_say_why():
    with pytest.raises(ValueError):
        Dossier.objects.across_centres(reason=" ")
    with pytest.raises(ValueError), across_centres(reason=""):
        pass


def test_model_forms_check_uniqueness_while_enforced(two_centres):
    own = two_centres[0]
    membership = MembershipFactory(centre=own)
    duplicate = Membership(user=membership.user, centre=own, role=membership.role)
    with tenancy_enforced(), pytest.raises(ValidationError, match="existe déjà"):
        duplicate.full_clean()


def test_every_model_holding_centre_data_is_centre_owned():
    """A model with a foreign key to a centre, or to a centre's data, goes through `for_centre`."""
    project_apps = {"primaweb", "dossiers", "documents", "cpasonline", "ebox", "centrebox", "deadlines"}
    models = [m for m in apps.get_models() if m._meta.app_label in project_apps and not m._meta.auto_created]
    uncovered = []
    for model in models:
        for field in model._meta.get_fields():
            related = getattr(field, "related_model", None)
            if not (field.is_relation and field.concrete and related):
                continue
            if (related is Centre or tenancy.is_centre_owned(related)) and not tenancy.is_centre_owned(model):
                uncovered.append(f"{model._meta.label}.{field.name}")
            if tenancy.is_centre_owned(model) and not (
                hasattr(model, "centre_lookup") or any(f.name == "centre" for f in model._meta.fields)
            ):
                uncovered.append(f"{model._meta.label} (no centre column and no centre_lookup)")
    assert sorted(set(uncovered)) == [], "Make these centre-owned (primaweb/tenancy/)."
    assert tenancy.is_centre_owned(DocumentEvent) and DocumentEvent.centre_lookup == "document__centre"


# --- tasks -------------------------------------------------------------------------------------------


@shared_task
def _count_every_dossier():
    return Dossier.objects.count()


def test_a_task_runs_with_tenancy_enforced(two_centres):
    result = _count_every_dossier.apply()

    assert isinstance(result.result, UnscopedQuery)
    assert not tenancy_is_enforced()


def test_beat_requeues_every_centres_stale_conversions(two_centres, monkeypatch):
    from django.utils import timezone

    from documents import tasks

    stale = timezone.now() - timezone.timedelta(hours=1)
    Document.objects.update(status=Document.Status.PENDING, uploaded_at=stale)
    queued = []
    # The converter is outside the process; the beat task's job is to queue, and that is what is checked.
    monkeypatch.setattr(tasks.convert_document, "delay", lambda *args: queued.append(args))

    result = tasks.requeue_stale_conversions.apply()

    assert result.successful(), result.result
    assert result.result == 2 and len(queued) == 2


def test_the_login_lookup_of_memberships_spans_centres(client):
    first, second = CentreFactory(), CentreFactory(brussels=True)
    member = MembershipFactory(centre=first).user
    MembershipFactory(centre=second, user=member)
    client.force_login(member)

    page = client.get("/centre/choisir/")

    assert page.status_code == 200
    assert first.name_fr in page.content.decode() and second.name_fr in page.content.decode()


# --- the admin's foreign-key choices -----------------------------------------------------------------


@pytest.mark.parametrize("superuser", [False, True])
def test_admin_foreign_key_choices_are_the_administered_centres_data(client, superuser):
    own, foreign = CentreFactory(), CentreFactory(brussels=True)
    administrator = MembershipFactory(centre=own, role=Membership.Role.ADMINISTRATOR).user
    administrator.is_superuser = superuser
    administrator.save()
    own_member, foreign_member = MembershipFactory(centre=own), MembershipFactory(centre=foreign)
    client.force_login(administrator)

    page = client.get("/admin/centrebox/inboxgrant/add/")

    assert page.status_code == 200
    assert f'value="{own_member.pk}"' in page.content.decode()
    assert (f'value="{foreign_member.pk}"' in page.content.decode()) is superuser
