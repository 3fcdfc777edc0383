"""The domain rules of panel papers, each in one place: dates and financial years, money, sentences,
stop words. Pure functions over strings, used by ingest, search, reports, CLI and app alike."""
