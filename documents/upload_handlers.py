"""Over-size request bodies are cut off by the server before they are read whole."""

from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from .validation import MAX_SIZE

# The file plus the form around it (type, token, boundaries).
BODY_LIMIT = MAX_SIZE + 64 * 1024


class SizeLimitedUploadHandler(FileUploadHandler):
    """Stops reading a multipart body that announces or reaches more than the upload limit.

    The view sees `request.upload_too_large` and tells the user, instead of a file it would refuse anyway.
    """

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # The small fields before the file (the CSRF token first of all) are still read, so that the
        # view can answer with a clear message; the file's bytes are not.
        self.announced_too_large = bool(content_length and content_length > BODY_LIMIT)
        self.request.upload_too_large = False

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.announced_too_large or self.received > MAX_SIZE:
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None
