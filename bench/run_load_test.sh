#!/usr/bin/env bash
# Month-end load test on this machine over loopback: a fresh PostgreSQL database with the demo data,
# gunicorn with DEBUG off, then locust (bench/load_month_end.py) with USERS concurrent users.
# Statistics are reset once all users have logged in (--reset-stats): the figures are the steady rush,
# not the 50 log-ins (each a deliberately slow password hash).
# The server is configured as docker-compose.yml configures production: persistent database
# connections (DATABASE_CONN_MAX_AGE=60) and the Redis cache (database 13 here, flushed first).
# Usage: bench/run_load_test.sh [USERS=50] [SECONDS=60]
# SERVER_CPUS=0 holds gunicorn to the first core (taskset) while PostgreSQL and locust keep both: a
# way to see the margin the goal has, as if the machine were slower.
# Needs: PostgreSQL on 127.0.0.1:5432 (PGURL to change), Redis on 127.0.0.1:6379 (REDIS_URL to
# change), `pip install -r requirements-dev.txt`.
set -euo pipefail
cd "$(dirname "$0")/.."
USERS=${1:-50}; SECONDS_=${2:-60}
PY=${PY:-.venv/bin/python}; BIN=$(dirname "$PY")
PGURL=${PGURL:-postgres://postgres@127.0.0.1:5432}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/13}
DB=${LOAD_DB:-ruralplan_load}; PORT=${PORT:-8019}; WORKERS=${WORKERS:-4}
WORK=$(mktemp -d)
export DATABASE_URL="$PGURL/$DB" DATABASE_CONN_MAX_AGE=60 REDIS_CACHE_URL="$REDIS_URL" DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_STATIC_ROOT="$WORK/static" \
  DJANGO_SECRET_KEY=load-test-$(date +%s)-not-for-production DJANGO_LOG_LEVEL=WARNING
if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then echo "port $PORT is in use (another load test?); stop it first" >&2; exit 1; fi
"$PY" -c "import redis, sys; redis.Redis.from_url(sys.argv[1]).flushdb()" "$REDIS_URL"
psql "$PGURL/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py load_demo >/dev/null
# The planner's statistics, as autovacuum leaves them on a production server (it is off on the
# development server): without them PostgreSQL plans every join of the fresh tables for one row.
psql "$PGURL/$DB" -qc ANALYZE
"$PY" manage.py collectstatic --noinput -v0
PIN=(); [ -n "${SERVER_CPUS:-}" ] && PIN=(taskset -c "$SERVER_CPUS")
"${PIN[@]}" "$BIN/gunicorn" config.wsgi -w "$WORKERS" -b 127.0.0.1:$PORT --access-logfile /dev/null --pid "$WORK/gunicorn.pid" \
  --daemon --error-logfile "$WORK/gunicorn.log"
trap 'kill $(cat "$WORK/gunicorn.pid") 2>/dev/null || true' EXIT
for _ in $(seq 30); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 1; done
# This machine's speed varies from hour to hour (up to four times); a fixed CPU loop says how fast it
# is now (lower is faster: 0.16 s at the fastest seen, 0.65 s on a slow hour), so runs can be compared.
CALIBRATION=$("$PY" -c 'import time; a = time.process_time(); s = sum(i * i for i in range(5_000_000)); print(f"{time.process_time() - a:.2f}")')
echo "cores: $(nproc), load average before: $(cut -d' ' -f1-3 /proc/loadavg), gunicorn workers: $WORKERS${SERVER_CPUS:+ on cpu $SERVER_CPUS}, calibration loop: ${CALIBRATION} s"
GUNICORN_PID="$WORK/gunicorn.pid" "$BIN/locust" -f bench/load_month_end.py --headless -u "$USERS" -r 10 -t "${SECONDS_}s" \
  --host "http://127.0.0.1:$PORT" --only-summary --reset-stats 2>&1 | sed -n '/=== month-end/,$p'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
