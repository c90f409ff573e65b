# `make run` and `make test` set up everything they need on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# The suite runs on one process per core (pytest-xdist); `make test TEST_WORKERS=0` runs it in one.
# A worker that runs out of tests takes half of another's queue (worksteal), so the long tests
# (the URL walk, LibreOffice renders, the backup round trip) do not leave one worker running alone.
TEST_WORKERS ?= auto
TEST_DIST := $(if $(filter 0,$(TEST_WORKERS)),,--dist worksteal)
STAMP := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)

.PHONY: run dev test venv migrate demo messages worker beat check clean

$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

venv: $(STAMP)

migrate: venv
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo --if-empty

# `make run` serves as a county office would: DEBUG off (the product's own error pages, never a
# traceback), one gunicorn process with threads (one process, so its in-memory cache is the only
# one), static files through whitenoise. `make dev` is Django's development server with DEBUG on.
RUN_SERVER := $(VENV)/bin/gunicorn config.wsgi:application --bind 127.0.0.1:$(PORT) \
	--workers 1 --threads 8 --worker-class gthread --timeout 120 --access-logfile -

run: demo
	$(PY) manage.py sync_schedule
	@# whitenoise looks for STATIC_ROOT at start-up; the finders serve the files, so no collectstatic
	@mkdir -p $${DJANGO_STATIC_ROOT:-staticfiles}
	@if command -v soffice >/dev/null 2>&1; then echo "PDF: LibreOffice found ($$(command -v soffice)); each report gets a PDF after its Word file."; else echo "PDF: soffice (LibreOffice) not found, so reports come as Word and Excel only; install libreoffice-writer and fonts-noto-cjk for PDF."; fi
	@echo "Open http://127.0.0.1:$(PORT)/ and log in with a demo account above."
	DJANGO_DEBUG=0 $(RUN_SERVER)

dev: demo
	$(PY) manage.py sync_schedule
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: venv
	@bash .ci/test-deps
	$(PY) -m pytest -n $(TEST_WORKERS) $(TEST_DIST) $(PYTEST_ARGS)

worker: venv
	$(VENV)/bin/celery -A config worker --loglevel=info

beat: venv
	$(VENV)/bin/celery -A config beat --loglevel=info

messages: venv
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=static/vendor
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

check: venv
	$(PY) manage.py check
	DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') DATABASE_URL=sqlite:///tmp/check.sqlite3 \
	  DJANGO_SETTINGS_MODULE=config.production $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
