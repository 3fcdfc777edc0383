# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8501
export HF_HUB_OFFLINE := 1

.PHONY: demo test install ingest app-dev lint clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch is pinned to the CPU wheel first, so nothing pulls a CUDA build.
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

ingest: install
	$(BIN)/panelqa ingest corpus/ --index index/

# Ends with the app serving the sample corpus on http://localhost:$(PORT)
demo: ingest
	$(BIN)/panelqa ask "what was funded for knife crime in 2018" --index index/
	PANELQA_INDEX=index $(BIN)/streamlit run app.py --server.port $(PORT)

# The app with the file watcher on, reloading on source changes (.streamlit/config.toml turns it off for demo).
app-dev: install
	PANELQA_INDEX=index $(BIN)/streamlit run app.py --server.port $(PORT) --server.fileWatcherType auto --server.runOnSave true

test: install
	$(BIN)/python -m pytest -q

# Figures for the README's Performance section; CORPUS and QUESTIONS default to the shared dev set.
CORPUS ?= ../shared/corpus-dev
QUESTIONS ?= ../shared/eval/dev_questions.jsonl
bench: install
	rm -rf /tmp/perf-bench-index
	$(BIN)/python bench/ingest.py $(CORPUS) --keep /tmp/perf-bench-index
	$(BIN)/python bench/query.py /tmp/perf-bench-index $(QUESTIONS)
	$(BIN)/python bench/scale.py /tmp/perf-bench-index $(QUESTIONS)

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf index/ .pytest_cache
