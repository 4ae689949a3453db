"""One log format for every process of Primaweb (web, workers, beat, converter supervision).

Times are written in UTC with their offset, whatever process or library writes the line, so that the
lines of `make run`, of the containers and of several machines can be read side by side.
"""

import logging
import time


class UTCFormatter(logging.Formatter):
    converter = time.gmtime

    def formatTime(self, record, datefmt=None):  # noqa: N802 - the logging API's name
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", self.converter(record.created))
        return f"{stamp}.{int(record.msecs):03d}+00:00"
