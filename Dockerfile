FROM python:3.11-slim
WORKDIR /srv/fiches
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml README.md ./
COPY app ./app
COPY ingest ./ingest
COPY frontend ./frontend
COPY data ./data
# editable: the app finds frontend/ and data/ beside its code
# the bytecode compiled once here: PYTHONDONTWRITEBYTECODE keeps the workers from caching it, and an
# editable install compiles nothing (each worker start would compile every module of app/ and ingest/)
RUN pip install --no-cache-dir -e . \
    && python -m compileall -q app ingest \
    && useradd --system --home-dir /var/lib/fiches --create-home fiches \
    && mkdir -p /var/lib/fiches/index && chown -R fiches /var/lib/fiches
USER fiches
EXPOSE 8000
# several workers: one writes the replica's index, the others read it
CMD ["fiches", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
