"""The Streamlit app's pieces: cached resources, HTML for cards, page images, the briefing, and the three pages."""
