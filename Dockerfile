FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.production
# LibreOffice and the Noto CJK faces render each report's PDF (reports/bulletins/pdf.py) in the worker;
# Writer and Calc also convert the .doc/.wps/.xls/.et plans the importer receives (reports/intake/files.py).
RUN apt-get update && apt-get install -y --no-install-recommends gettext libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN DJANGO_SECRET_KEY=build-only DATABASE_URL=sqlite:////tmp/build.sqlite3 python manage.py collectstatic --noinput
RUN useradd --create-home app && mkdir -p /app/media /app/evidence && chown -R app /app/media /app/evidence
USER app
EXPOSE 8000
