"""`InThread`: work run beside the caller's thread (the early conversion, the PDF's check), or at once in
the caller's thread when the process cannot start another."""

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
