"""Work run in a thread of its own while the caller's thread goes on: a conversion while the lease is
taken and renewed."""

import contextvars
import threading


class InThread:
    """`function(*args)` run in a thread of its own from the moment this is made, while the caller's thread
    does something else; its result, or its exception, handed back to the caller's thread. Where no thread
    can be started (a process at its limit), it runs in the caller's thread, at once.

    It runs in a copy of the caller's context (its context variables: a task's tenancy enforcement applies
    to any SQL the function makes). Django's connections stay one per thread all the same."""

    def __init__(self, function, *args, name: str):
        self._outcome: dict = {}
        self._context = contextvars.copy_context()
        self._thread = threading.Thread(target=self._run, args=(function, args), name=name, daemon=True)
        try:
            self._thread.start()
        except RuntimeError:  # "can't start new thread"
            self._run(function, args)

    def _run(self, function, args) -> None:
        try:
            self._outcome["result"] = self._context.run(function, *args)
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller's thread
            self._outcome["error"] = exc

    def wait(self, timeout: float | None = None) -> bool:
        """True once the function has returned or raised (within `timeout` seconds)."""
        if self._outcome:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def result(self):
        """What the function returned, or its exception raised here; waits for it to end."""
        self.wait()
        if "error" in self._outcome:
            raise self._outcome["error"]
        return self._outcome["result"]
