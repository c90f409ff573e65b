#!/bin/sh
# Run once by the postgres image when the data directory is created: the application's login role,
# which owns nothing. The tables' owner (POSTGRES_USER) grants it rights after each migration
# (`manage.py grant_app_role`), so it can read and write rows but never ALTER a table or disable
# the audit log's trigger.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE ruralplan_app LOGIN PASSWORD '${APP_DB_PASSWORD}' NOSUPERUSER NOCREATEDB NOCREATEROLE;
GRANT CONNECT ON DATABASE "${POSTGRES_DB}" TO ruralplan_app;
GRANT USAGE ON SCHEMA public TO ruralplan_app;
SQL
