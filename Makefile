# Two commands on a fresh Debian/Ubuntu machine with Python 3.11+:
#   make demo   set up what is missing, then produce the main output
#   make test   set up what is missing, then run the test suite
# Both are idempotent: when everything is installed they go straight to work.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# Cairo/Pango headers to build manim's pycairo and manimpango; LaTeX for MathTex;
# Chromium for the gallery page's browser test; the offline narration voices (espeak-ng, and
# Festival with CMU's US English "slt" HTS voice); Noto CJK for Chinese text.
APT_PACKAGES := build-essential pkg-config fonts-dejavu-core python3-dev python3-venv libcairo2-dev libpango1.0-dev \
	texlive-latex-base texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended dvisvgm \
	chromium chromium-driver espeak-ng festival festvox-us-slt-hts fonts-noto-cjk

.PHONY: setup system demo test lint clean assets wheel messages

setup: system $(STAMP)

system:
	@missing=$$(for p in $(APT_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages:" $$missing; \
		if [ "$$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi; \
		$$sudo apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(STAMP): pyproject.toml setup.py | system
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -e '.[test]'
	@# PyTorch is an optional reference for tests and benchmarks: installed only from a local
	@# wheel when one is available (never a multi-GB download); its tests skip without it.
	@if $(BIN)/python -m pip install -q --no-index --no-deps torch==2.13.0 >/dev/null 2>&1; then \
		$(BIN)/python -m pip install -q torch==2.13.0; \
	else echo "PyTorch reference not available locally: its tests will be skipped"; fi
	touch $(STAMP)

# The default explainer: every chapter of the tick-cross example, rendered at low quality into
# renders/tick-cross-tick/ (clips, joined explainer.mp4, captions, manifest.json, index.html).
demo: setup
	$(BIN)/convreel render all --example tick-cross --quality low

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Retrain both bundled models and redraw their example images in assets/ (seeded: the same files
# unless a recipe changed, up to floating-point rounding in the weights), then show what changed.
# `convreel train` itself writes ./EXAMPLE.npz in the current folder, never the bundled copies.
assets: setup
	$(BIN)/python -c 'from convreel.predict import train; [print("saved", train(e).path) for e in ("tick-cross", "face")]'
	-@git status --short -- assets

# Re-extract every message a viewer sees or hears into scenes/locale/convreel.pot and merge it into
# each language's catalog (new messages arrive untranslated; tests/test_catalogs.py names them).
messages: setup
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ -k ngettext:1,2 -k section --no-wrap \
		--project ConvReel --copyright-holder "the ConvReel authors" -o scenes/locale/convreel.pot .
	@if ls scenes/locale/*/LC_MESSAGES/convreel.po >/dev/null 2>&1; then \
		$(BIN)/pybabel update -D convreel -i scenes/locale/convreel.pot -d scenes/locale \
			--no-wrap --no-fuzzy-matching --ignore-obsolete; \
	fi

# The wheel (with the bundled models and images) in dist/, for `pipx install` or `pip install`.
wheel: setup
	$(BIN)/python -m pip wheel -q --no-deps . -w dist
	@ls dist/*.whl

clean:
	rm -rf $(VENV) renders media *.egg-info build dist
