"""The broker in files of the embedded default: kombu's filesystem transport, with its race closed and its
polling replaced by waking up.

kombu writes a message in place: a worker listing the folder between the file's creation and its write
took it and read it empty, and died on the JSON (JSONDecodeError), which stops all of `make run`. Here a
message is written under a name the readers skip (kombu takes only `<time>_<id>.<queue>.msg`), then
renamed into place, which is atomic on one filesystem: a reader sees a whole message or none.

kombu also looks at the folder every `polling_interval` seconds: a message waits half an interval on
average before a worker sees it, and a worker whose every slot is busy waits as long again after a task
ends before it takes the next message. Here a waiting worker sleeps until the kernel says a message was
renamed into the folder (inotify, on Linux) or one of its own tasks was acknowledged (a pipe its channels
write to), and looks at the folder then; `polling_interval` is only the longest such sleep. Where inotify
cannot be had (another system, the watches limit reached), the folder is polled as kombu does.
"""

import contextlib
import logging
import os
import select
import uuid
from time import monotonic, sleep

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.transport.virtual import Empty
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

try:
    import inotify_simple
except ImportError:  # not Linux: the folder is polled
    inotify_simple = None

logger = logging.getLogger(__name__)

# Polling, when inotify cannot be had: a listing of an almost empty folder every 20 ms.
POLLING_INTERVAL = 0.02
# Woken up, the longest sleep: a safety net only (an event lost to a full kernel queue), nothing waits it.
WOKEN_INTERVAL = 1.0


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

    def basic_ack(self, delivery_tag, multiple=False):
        super().basic_ack(delivery_tag, multiple=multiple)
        self.connection.wake()  # a slot is free: the next message may be taken now

    def basic_reject(self, delivery_tag, requeue=False):
        super().basic_reject(delivery_tag, requeue=requeue)
        self.connection.wake()


class Transport(filesystem.Transport):
    Channel = Channel

    def __init__(self, client, **kwargs):
        super().__init__(client, **kwargs)
        self._notifier = None  # the inotify watch on the folder read, made at the first wait
        self._woken = None  # the pipe the channels write to when a task of theirs ends
        self._watching = inotify_simple is not None

    def wake(self) -> None:
        woken = self._woken
        if woken is not None:
            with contextlib.suppress(OSError):  # full (a wake is pending anyway), or closed meanwhile
                os.write(woken[1], b"!")

    def drain_events(self, connection, timeout=None):
        """kombu's loop (a message delivered, or `socket.timeout` after `timeout` seconds), waiting to be
        woken up between two looks at the folder instead of sleeping a fixed interval."""
        started = monotonic()
        while True:
            self._watch()
            try:
                self.cycle.get(self._deliver, timeout=timeout)
                return
            except Empty:
                pass
            left = None if timeout is None else timeout - (monotonic() - started)
            if left is not None and left <= 0:
                raise TimeoutError()
            self._wait(left)

    def _watch(self) -> None:
        """From the first look at the folder on, every message renamed into it is an event: one that lands
        between a look and the wait after it is already there when the wait starts."""
        if not self._watching or self._notifier is not None:
            return
        folder = self.client.transport_options.get("data_folder_in", "data_in")
        try:
            notifier = inotify_simple.INotify(nonblocking=True)
            notifier.add_watch(folder, inotify_simple.flags.MOVED_TO | inotify_simple.flags.CLOSE_WRITE)
        except OSError as exc:
            logger.warning("The broker's folder %s is polled: inotify cannot watch it (%s)", folder, exc)
            self._watching = False
            return
        self._notifier = notifier
        self._woken = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)

    def _wait(self, left: float | None) -> None:
        notifier, woken = self._notifier, self._woken
        if notifier is None or woken is None:
            sleep(POLLING_INTERVAL if left is None else min(POLLING_INTERVAL, left))
            return
        longest = self.polling_interval or WOKEN_INTERVAL
        seconds = longest if left is None else min(longest, left)
        try:
            # poll(), not select(): select() refuses a descriptor numbered 1024 or more.
            poller = select.poll()
            poller.register(notifier.fd, select.POLLIN)
            poller.register(woken[0], select.POLLIN)
            ready = {fd for fd, _events in poller.poll(seconds * 1000)}
            if notifier.fd in ready:
                notifier.read(timeout=0)
            if woken[0] in ready:
                os.read(woken[0], 4096)
        except (OSError, ValueError):  # closed meanwhile by another thread: wait as when polling
            sleep(POLLING_INTERVAL if left is None else min(POLLING_INTERVAL, left))

    def establish_connection(self):
        self._watching = inotify_simple is not None
        return super().establish_connection()

    def close_connection(self, connection):
        self._watching = False  # a closed connection watches nothing until it is established again
        super().close_connection(connection)
        notifier, woken = self._notifier, self._woken
        self._notifier = self._woken = None
        if notifier is not None:
            notifier.close()
        if woken is not None:
            for end in woken:
                os.close(end)
