"""The broker in files of the embedded default: a worker reading the folder while a message is being
written sees no message, never an empty one (which it could not decode, and died)."""

import contextlib
import os
import threading

from kombu import Connection, Exchange, Queue
from kombu.transport import filesystem
from kombu.transport.virtual import Empty

import primaweb.celery  # noqa: F401 - names the project's broker in files "filesystem"
from primaweb import broker_files


def test_a_message_being_written_is_not_seen_until_whole(tmp_path, monkeypatch):
    folders = {key: str(tmp_path) for key in ("data_folder_in", "data_folder_out", "control_folder")}
    seen_while_writing = []
    with Connection("filesystem://", transport_options={**folders, "store_processed": False}) as connection:
        queue = connection.SimpleQueue("conversions")
        reader = connection.channel()

        def dumps_while_a_worker_looks(payload):
            # The moment between the message's file appearing and its content written: a worker polling.
            with contextlib.suppress(Empty):
                seen_while_writing.append(reader._get("conversions"))
            return real_dumps(payload)

        real_dumps = filesystem.dumps
        monkeypatch.setattr(filesystem, "dumps", dumps_while_a_worker_looks)
        monkeypatch.setattr(broker_files, "dumps", dumps_while_a_worker_looks)
        queue.put({"document": 7})
        message = queue.get(timeout=1)
        reader.close()
        queue.close()

    assert seen_while_writing == []
    assert message.payload == {"document": 7}


# kombu keeps the exchanges it has declared for the whole process, whatever the folder: each test has
# queues of its own name, or it would publish by another test's folder's table.
def _queue_name(tmp_path) -> str:
    return f"conversions-{tmp_path.name}"


def _options(tmp_path, **extra) -> dict:
    folders = {key: str(tmp_path) for key in ("data_folder_in", "data_folder_out", "control_folder")}
    return {**folders, "store_processed": False, **extra}


@contextlib.contextmanager
def _consuming(tmp_path, received: list, prefetch: int | None = None):
    """A worker's side: a connection whose consumer of the test's queue keeps each message in `received`
    (unacknowledged), looking at the folder at most once a minute unless woken up."""
    with Connection("filesystem://", transport_options=_options(tmp_path, polling_interval=60)) as connection:
        name = _queue_name(tmp_path)
        queue = Queue(name, Exchange(name), name)
        consumer = connection.Consumer(queue, callbacks=[lambda body, message: received.append(message)])
        if prefetch:
            consumer.qos(prefetch_count=prefetch)
        with consumer:
            yield connection


def _draining(connection, seconds: float) -> tuple[threading.Thread, threading.Event]:
    delivered = threading.Event()

    def drain():
        with contextlib.suppress(TimeoutError):
            connection.drain_events(timeout=seconds)
            delivered.set()

    thread = threading.Thread(target=drain, daemon=True)
    thread.start()
    return thread, delivered


def _looked_at_once(monkeypatch) -> threading.Event:
    """Set once a worker has found the folder empty: what it does next is wait."""
    looked = threading.Event()
    real_get = broker_files.Channel._get

    def get(self, queue):
        try:
            return real_get(self, queue)
        except Empty:
            looked.set()
            raise

    monkeypatch.setattr(broker_files.Channel, "_get", get)
    return looked


def _put(tmp_path, body: dict) -> None:
    with Connection("filesystem://", transport_options=_options(tmp_path)) as connection:
        connection.SimpleQueue(_queue_name(tmp_path)).put(body)


def test_a_waiting_worker_takes_a_message_when_it_lands_not_at_its_next_look(tmp_path, monkeypatch):
    looked = _looked_at_once(monkeypatch)
    received = []
    with _consuming(tmp_path, received) as connection:
        thread, delivered = _draining(connection, seconds=30)
        assert looked.wait(10)
        _put(tmp_path, {"document": 7})
        # Polling, it would look again in 30 s (the drain's limit, under the minute's interval).
        assert delivered.wait(10), "the worker slept through the message's arrival"
        thread.join(10)
    assert [message.payload for message in received] == [{"document": 7}]


def test_a_worker_with_every_slot_busy_takes_the_next_message_when_a_task_ends(tmp_path, monkeypatch):
    _put(tmp_path, {"document": 1})
    _put(tmp_path, {"document": 2})
    received = []
    with _consuming(tmp_path, received, prefetch=1) as connection:
        connection.drain_events(timeout=10)
        # One of the two (two messages put in the same millisecond may be listed in either order).
        assert len(received) == 1
        thread, delivered = _draining(connection, seconds=30)  # its only slot is taken: it waits
        received[0].ack()  # the task ends, from the pool's thread
        assert delivered.wait(10), "the worker waited for its next look to take the next message"
        thread.join(10)
    assert sorted(message.payload["document"] for message in received) == [1, 2]


def test_without_inotify_the_folder_is_polled(tmp_path, monkeypatch):
    monkeypatch.setattr(broker_files, "inotify_simple", None)
    monkeypatch.setattr(broker_files, "POLLING_INTERVAL", 0.01)
    received = []
    with _consuming(tmp_path, received) as connection:
        _put(tmp_path, {"document": 3})
        connection.drain_events(timeout=10)
    assert [message.payload for message in received] == [{"document": 3}]


def test_a_worker_whose_descriptors_are_numbered_past_1024_still_sleeps(tmp_path, monkeypatch):
    # select() refuses such a descriptor: a wait that failed at once would list the folder in a tight loop.
    looks = []
    real_get = broker_files.Channel._get

    def get(self, queue):
        looks.append(queue)
        return real_get(self, queue)

    monkeypatch.setattr(broker_files.Channel, "_get", get)
    low = os.open(os.devnull, os.O_RDONLY)
    padding = [os.dup(low) for _ in range(1100)]
    try:
        received = []
        with _consuming(tmp_path, received) as connection:
            with contextlib.suppress(TimeoutError):
                connection.drain_events(timeout=0.5)
            notifier = connection.transport._notifier
            assert notifier is not None and notifier.fd >= 1024
    finally:
        for fd in (low, *padding):
            os.close(fd)
    assert received == []
    assert len(looks) < 10, f"{len(looks)} looks at the folder in half a second"
