"""Errors that reach users as one sentence: the input, the problem, the fix."""


class PanelqaError(Exception):
    """Base class: the message is shown to the user as it is."""


class UnreadableFile(PanelqaError):
    """One file could not be read; the batch goes on without it."""


class IndexMismatch(PanelqaError):
    """The index on disk was built differently from what is asked of it."""


class NoIndex(PanelqaError):
    """The folder holds no index yet; ingest some papers first."""
