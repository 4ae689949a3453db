"""The broker in files of the embedded default: a worker reading the folder while a message is being
written sees no message, never an empty one (which it could not decode, and died)."""

import contextlib

from kombu import Connection
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
