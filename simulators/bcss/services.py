"""Filling the simulated register: generated persons in bulk, and the fixed demo persons.

Bulk loading skips per-row validation: the generator builds valid rows by construction. On PostgreSQL the
rows go in through COPY, elsewhere through bulk_create, in batches of `batch_size`.
"""

import itertools
import random
from collections.abc import Callable

from django.db import connection, transaction

from .demo import DEMO_PERSONS
from .models import RegisteredPerson
from .population import Generator, NissAllocator

BATCH_SIZE = 10_000


def demo_persons_ensure() -> int:
    """Creates or resets the demo persons of `demo.DEMO_PERSONS`; returns how many there are."""
    with transaction.atomic():
        for data in DEMO_PERSONS:
            defaults = {key: value for key, value in data.items() if key != "niss"}
            RegisteredPerson.objects.update_or_create(niss=data["niss"], defaults=defaults)
    return len(DEMO_PERSONS)


def _fields():
    return [field for field in RegisteredPerson._meta.concrete_fields if not field.primary_key]


def _copy(batch: list[RegisteredPerson]) -> None:
    fields = _fields()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    statement = f"COPY {quote(RegisteredPerson._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for person in batch:
            copy.write_row([getattr(person, field.attname) for field in fields])


def _write(batch: list[RegisteredPerson]) -> None:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            _copy(batch)
        else:
            RegisteredPerson.objects.bulk_create(batch, batch_size=2_000)


def _clear() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {connection.ops.quote_name(RegisteredPerson._meta.db_table)}")
    else:
        RegisteredPerson.objects.all().delete()


def register_populate(
    *,
    count: int,
    seed: int | None = None,
    replace: bool = False,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Adds `count` generated persons to the register, then makes sure the demo persons are there.

    With `replace`, the register is emptied first. New NISS numbers never collide with those already
    in the register nor with the demo persons'. With the same `seed` and an empty register, the same
    persons come out. Calls `progress(done, count)` after each batch; returns the number added.
    """
    if replace:
        _clear()
    taken = itertools.chain(
        RegisteredPerson.objects.values_list("niss", flat=True).iterator(chunk_size=50_000),
        (person["niss"] for person in DEMO_PERSONS),
    )
    people = Generator(random.Random(seed), NissAllocator(taken)).people(count)
    done = 0
    while batch := list(itertools.islice(people, batch_size)):
        _write(batch)
        done += len(batch)
        if progress:
            progress(done, count)
    demo_persons_ensure()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(RegisteredPerson._meta.db_table)}")
    return done
