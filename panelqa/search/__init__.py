"""Search: parse query -> retrieve (dense, keyword, fuzzy, phrase) -> fuse -> answer.

Imports nothing, so `panelqa.search.answer` is the module and importing one retriever does not load the
rest; callers use the facade (`panelqa.ask`, `panelqa.search`) or `panelqa.search.api`.
"""
