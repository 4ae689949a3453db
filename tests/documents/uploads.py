"""Uploads sent at the same instant from several threads: what the duplicate guard is tested with."""

import threading

from django.db import connection

from documents import services


def identical_uploads_at_once(count: int, **upload) -> list[str]:
    """Runs `count` identical `document_upload(**upload)` calls released together by a barrier, each in its
    own thread and database connection; returns their outcomes, « created » or « duplicate », sorted."""
    start, outcomes = threading.Barrier(count), []

    def submit():
        try:
            start.wait()
            services.document_upload(**upload)
            outcomes.append("created")
        except services.DuplicateUpload:
            outcomes.append("duplicate")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)
