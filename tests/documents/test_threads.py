"""`InThread`: work run beside the caller's thread (the conversion, while the lease is taken), in a copy of
the caller's context, or at once in the caller's thread when the process cannot start another."""

import contextvars
import threading

import pytest

from documents.threads import InThread


def test_the_work_runs_in_a_thread_of_its_own_and_hands_back_its_result():
    ran_in = []
    work = InThread(lambda: ran_in.append(threading.current_thread()) or 42, name="work")

    assert work.result() == 42 and work.wait(0)
    assert ran_in != [threading.current_thread()]


def test_without_a_thread_to_be_had_the_work_runs_at_once_in_the_callers_thread(monkeypatch):
    def no_thread(thread):
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", no_thread)
    ran_in = []
    work = InThread(lambda: ran_in.append(threading.current_thread()) or 42, name="work")

    assert ran_in == [threading.current_thread()] and work.wait(0) and work.result() == 42
    failing = InThread(lambda: 1 / 0, name="failing")
    with pytest.raises(ZeroDivisionError):
        failing.result()


def test_the_work_sees_the_callers_context_variables():
    seen = contextvars.ContextVar("seen", default="nothing")
    seen.set("the caller's")

    assert InThread(seen.get, name="work").result() == "the caller's"


@pytest.mark.django_db
def test_a_query_made_in_the_thread_of_a_task_is_held_to_the_tasks_tenancy():
    # An unmarked query made in the thread is refused as it would be in the task's own thread.
    from documents.models import Document
    from primaweb.tenancy.scope import UnscopedQuery, tenancy_enforced

    with tenancy_enforced():
        unmarked = InThread(lambda: str(Document._base_manager.filter(pk=1).query), name="work")
        with pytest.raises(UnscopedQuery):
            unmarked.result()
