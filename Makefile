# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8501
export HF_HUB_OFFLINE := 1

.PHONY: demo test install ocr ingest app-dev lint clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch is pinned to the CPU wheel first, so nothing pulls a CUDA build.
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Scanned pages are read by Debian's Tesseract with English data: installed when missing and apt-get can run
# (as root); otherwise this says how, and ingest indexes the pages that have a text layer.
ocr:
	@if command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx eng; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -q && apt-get install -y -q tesseract-ocr tesseract-ocr-eng; \
	else echo "Tesseract OCR is not installed, so scanned pages will not be read; install it with: sudo apt-get install tesseract-ocr tesseract-ocr-eng"; fi

ingest: install ocr
	$(BIN)/panelqa ingest corpus/ --index index/

# Ends with the app serving the sample corpus on http://localhost:$(PORT)
demo: ingest
	$(BIN)/panelqa ask "what was funded for knife crime in 2018" --index index/
	PANELQA_INDEX=index $(BIN)/streamlit run app.py --server.port $(PORT)

# The app with the file watcher on, reloading on source changes (.streamlit/config.toml turns it off for demo).
app-dev: install
	PANELQA_INDEX=index $(BIN)/streamlit run app.py --server.port $(PORT) --server.fileWatcherType auto --server.runOnSave true

test: install ocr
	$(BIN)/python -m pytest -q

# Figures for the README's Performance section; CORPUS and QUESTIONS default to the shared dev set.
CORPUS ?= ../shared/corpus-dev
QUESTIONS ?= ../shared/eval/dev_questions.jsonl
bench: install
	rm -rf /tmp/perf-bench-index
	$(BIN)/python bench/ingest.py $(CORPUS) --keep /tmp/perf-bench-index
	$(BIN)/python bench/query.py /tmp/perf-bench-index $(QUESTIONS)
	$(BIN)/python bench/scale.py /tmp/perf-bench-index $(QUESTIONS) --size 100000 --work /tmp/perf-scale

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf index/ .pytest_cache
