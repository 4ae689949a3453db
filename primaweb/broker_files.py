"""The broker in files of the embedded default: kombu's filesystem transport, with its one race closed.

kombu writes a message in place: a worker listing the folder between the file's creation and its write
took it and read it empty, and died on the JSON (JSONDecodeError), which stops all of `make run`. Here a
message is written under a name the readers skip (kombu takes only `<time>_<id>.<queue>.msg`), then
renamed into place, which is atomic on one filesystem: a reader sees a whole message or none.
"""

import contextlib
import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = os.path.join(self.data_folder_out, f".{name}.part")
        try:
            with open(partial, "wb", buffering=0) as file:
                file.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.remove(partial)
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
