# Debian trixie: its postgresql-client (17) can pg_dump the postgres:16 server of docker-compose.yml.
FROM python:3.11-slim-trixie
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.production
RUN apt-get update && apt-get install -y --no-install-recommends gettext postgresql-client \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN DJANGO_SECRET_KEY=build-only DATABASE_URL=sqlite:////tmp/build.sqlite3 python manage.py collectstatic --noinput
RUN useradd --create-home app \
    && mkdir -p /app/media /app/evidence /app/anchors /app/backups \
    && chown -R app /app/media /app/evidence /app/anchors /app/backups
USER app
EXPOSE 8000
