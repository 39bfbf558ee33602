# The two commands of the README: `make demo` and `make test`. Each sets itself up on a
# fresh machine: system packages (when run as root on Debian), the virtual environment,
# the Python packages and the browser. Playwright's own browser download is not used:
# Debian's chromium is found automatically.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
APT_PKGS := chromium fonts-noto-cjk fonts-liberation2 libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils

.PHONY: demo test lint system bench

demo: system $(STAMP)
	$(BIN)/petitionbot demo

test: system $(STAMP)
	$(BIN)/ruff check bots core flows petitionbot tests bench templates
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check bots core flows petitionbot tests bench templates

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

# Chromium, CJK fonts and LibreOffice from Debian. Skipped when all are present; needs root
# (or sudo) otherwise, and says so.
system:
	@missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null 2>&1; then \
	    echo "安装系统组件：$$missing"; \
	    SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	    $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $$missing; \
	  else echo "请先安装：$$missing（或 Chromium/LibreOffice 的等价版本）"; fi; \
	fi

bench: system $(STAMP)
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done
