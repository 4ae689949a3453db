"""Why an uploaded file's content is refused, as `documents.sniffing` and `documents.pictures` say it."""


class Problem(Exception):
    """Why the content is refused: `code` is one of the refusal codes of `documents.validation`."""

    def __init__(self, code: str, params: dict | None = None):
        super().__init__(code)
        self.code = code
        self.params = dict(params or {})
