"""Errors that reach users as one sentence: the input, the problem, the fix."""


class PanelqaError(Exception):
    """Base class: the message is shown to the user as it is."""


class UnreadableFile(PanelqaError):
    """One file could not be read; the batch goes on without it."""


class IndexMismatch(PanelqaError):
    """The index on disk was built differently from what is asked of it."""


class NoIndex(PanelqaError):
    """The folder holds no index yet; ingest some papers first."""


class IndexDamaged(PanelqaError):
    """A file of the index is damaged beyond what panelqa can rebuild by itself."""


def index_damaged(index_dir, detail) -> IndexDamaged:
    """The one sentence for a damaged index database: which file, what SQLite said, how to rebuild it."""
    return IndexDamaged(f"The index database {index_dir}/panelqa.db is damaged ({detail}); rebuild it with "
                        f"\"panelqa ingest --rebuild <your papers> --index {index_dir}\".")


def index_not_writable(index_dir, detail) -> PanelqaError:
    """The one sentence for an index folder this user may read but not write (another user's, a read-only mount)."""
    return PanelqaError(f"The index folder {index_dir}/ is not writable by you ({detail}); ask its owner for "
                        "write access, or ingest into a folder of your own with --index.")


def index_busy(index_dir) -> PanelqaError:
    return PanelqaError(f"The index {index_dir}/ stayed locked by another writer for over 30 s; "
                        "try again when its ingest has finished.")
