# Two commands for a newcomer: `make run` and `make test`. Both build the venv if it is missing.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint demo clean debs debs-doc browser

# Debian packages the OCR path needs (the OCR test skips without them), the fonts the layout-variation
# PDFs are written in (those tests skip without them) and PostgreSQL, whose initdb/pg_ctl the storage
# tests use for a throw-away cluster (their PostgreSQL variants skip without it). Installed only when
# missing and when we may (root with apt-get); otherwise a note, never a failure.
OCR_DEBS := ocrmypdf tesseract-ocr-dan fonts-dejavu-core
PG_DEBS := postgresql
# antiword reads old Word .doc bilag (catdoc is its fallback); the .doc tests skip without them
DOC_DEBS := antiword catdoc

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev,review]"
	@touch $(STAMP)

run: $(STAMP)
	@$(MAKE) --no-print-directory debs-doc
	$(BIN)/maalspor ingest data/raw

# only the .doc converter for `make run` (small and quick); `make test` installs all of `debs`
debs-doc:
	$(call install_debs,$(DOC_DEBS),command -v antiword >/dev/null 2>&1 && command -v catdoc >/dev/null 2>&1)

# apt-get install $(1) unless the shell test $(2) says it is there already
define install_debs
	@if $(2); then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			$(1) >/dev/null) || echo "note: could not install $(1); the tests that need it will skip"; \
	else echo "note: $(1) not installed; the tests that need it will skip"; fi
endef

debs:
	$(call install_debs,$(OCR_DEBS),command -v ocrmypdf >/dev/null 2>&1 && dpkg -s tesseract-ocr-dan fonts-dejavu-core >/dev/null 2>&1)
	$(call install_debs,$(PG_DEBS),ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1)
	$(call install_debs,$(DOC_DEBS),command -v antiword >/dev/null 2>&1 && command -v catdoc >/dev/null 2>&1)

# Debian's Chromium for the review app's browser tests (Playwright drives it; no `playwright install`).
browser:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null) \
		|| echo "note: could not install chromium; the review browser test will skip"; \
	else echo "note: chromium not installed; the review browser test will skip"; fi

test: $(STAMP) debs browser
	$(BIN)/ruff check .
	$(BIN)/pytest

demo: $(STAMP)
	$(BIN)/python scripts/make_demo.py

clean:
	rm -rf $(VENV) data/db/*.sqlite* .pytest_cache .ruff_cache
