"""The one error readers raise, so the pipeline can record an outcome per file."""

from __future__ import annotations


class ReadError(Exception):
    """A file that cannot be read as a document.

    `kind` is one of the per-file outcomes (empty, needs_ocr, encrypted, corrupt,
    unsupported, too_large, failed); the message says what is wrong and what to do.
    """

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


# Reader warnings that start with this need the user's attention (pages missing, a scan inside
# a text PDF); the pipeline shows them next to the file's outcome, the others only go to the
# document's stored warnings.
ATTENTION = "attention: "


def one_line(text: object) -> str:
    """Messages are one line however a library worded its exception."""
    return " ".join(str(text).split())
