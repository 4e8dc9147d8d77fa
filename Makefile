# Thin wrappers; the README commands are the reference.
PY ?= .venv/bin/python

.PHONY: install format lint typecheck test bench schemas

install:
	python3 -m venv .venv && .venv/bin/pip install -q -e '.[dev,bench]'

format:
	$(PY) -m ruff format src tests bench tools

lint:
	$(PY) -m ruff check src tests bench tools

typecheck:
	$(PY) -m mypy

test:
	$(PY) -m pytest

schemas:
	$(PY) tools/gen_schemas.py && $(PY) tools/gen_rules_doc.py

bench:
	$(PY) bench/bench_validate.py --check-jsonschema .venv/bin/check-jsonschema
	$(PY) bench/bench_runtime.py
	$(PY) bench/bench_publish.py
	$(PY) bench/bench_diff.py
	$(PY) bench/bench_plans.py
