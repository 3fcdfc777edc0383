"""panelqa's Streamlit app: ask the papers, see the evidence on the page, collect it in a briefing.

Run: streamlit run app.py  (the index is $PANELQA_INDEX or index/). The pages live in panelqa/app/.
"""

from __future__ import annotations

import streamlit as st
from PIL import Image

TITLE = "panelqa: cited answers from Police and Crime Panel papers"
# The favicon is drawn here: a ":material/...:" page icon is fetched from fonts.gstatic.com by the browser,
# and the app makes no request outside the machine.
ICON = Image.new("RGB", (32, 32), (31, 58, 96))

st.set_page_config(page_title=TITLE, page_icon=ICON, layout="wide")

pages = [
    st.Page("panelqa/app/ask_page.py", title="Ask", icon=":material/search:", default=True),
    st.Page("panelqa/app/papers_page.py", title="Papers", icon=":material/description:"),
    st.Page("panelqa/app/funding_page.py", title="Funding", icon=":material/payments:", url_path="funding"),
    st.Page("panelqa/app/commitments_page.py", title="Commitments", icon=":material/task_alt:",
            url_path="commitments"),
    st.Page("panelqa/app/timeline_page.py", title="Timeline", icon=":material/timeline:", url_path="timeline"),
    st.Page("panelqa/app/whats_new_page.py", title="What's new", icon=":material/notifications:",
            url_path="whats-new"),
    st.Page("panelqa/app/briefing_page.py", title=f"Briefing ({len(st.session_state.get('briefing', []))})",
            icon=":material/assignment:", url_path="briefing"),
]
page = st.navigation(pages, position="top")
st.html("""<style>
[data-testid="stMainBlockContainer"] {padding-top: 3.5rem; max-width: 72rem;}
[data-testid="InputInstructions"] {display: none;}
h1.pq-title {font-size: 1.45rem; font-weight: 700; padding: 0 0 0.2rem 0; margin: 0;}
</style>""")
st.html(f'<h1 class="pq-title">{TITLE}</h1>')
page.run()
