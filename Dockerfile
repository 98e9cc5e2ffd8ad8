# One image for the API and the Celery workers (docker-compose.yml picks the command).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    REVIEW_DATA_DIR=/data \
    REVIEW_HOST=0.0.0.0 \
    REVIEW_PORT=8000

WORKDIR /app
COPY pyproject.toml README.md ./
COPY checks ./checks
COPY workflows ./workflows
COPY review_service ./review_service
COPY dictionaries ./dictionaries
# The editor widget and its demo page are served from here (/integrations/widget/…).
COPY integrations/js/review-widget.js integrations/js/demo.html ./integrations/js/

# Editable install: the engine reads dictionaries/ next to the packages. pycorrector is installed
# without its dependencies (torch, transformers …), exactly as the Makefile does: only its data
# files are read.
RUN pip install -e '.[postgres]' \
    && pip install --no-deps pycorrector==1.1.4 \
    && useradd --system --uid 10001 --home-dir /data review \
    && mkdir -p /data \
    && chown review /data

USER review
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/api/v1/health', timeout=4)"
CMD ["review-service", "serve"]
