# One image for the API and the Celery workers (docker-compose.yml picks the command).
# The Python packages come from a wheelhouse built on the host (`make wheelhouse`, deploy/wheelhouse.py):
# nothing is downloaded inside a container. PYTHON_IMAGE is the registry's python:3.11-slim, or where no
# registry can be reached the local Debian build review-local/python:3.11-bookworm (deploy/base-images.sh).
ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
COPY build/wheelhouse /wheelhouse
# Every dependency (and the build backend for the editable install below) from the wheelhouse. pycorrector's
# wheel is among them, installed like the others without dependencies: only its data files are read.
# Only the virtual environment leaves this stage: no wheel files, no pip cache, no test folders.
RUN python3 -m venv /opt/venv \
    && /opt/venv/bin/pip install -q --no-index --no-deps /wheelhouse/*.whl \
    && find /opt/venv/lib -depth -type d -name tests -path '*/site-packages/*' -exec rm -rf {} +

FROM ${PYTHON_IMAGE}
ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH \
    REVIEW_DATA_DIR=/data \
    REVIEW_HOST=0.0.0.0 \
    REVIEW_PORT=8000
RUN useradd --system --uid 10001 --home-dir /data review && mkdir -p /data && chown review /data
# The dependencies' layer changes only with the wheelhouse; the project's code comes after it.
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY pyproject.toml README.md ./
COPY dictionaries ./dictionaries
COPY checks ./checks
COPY workflows ./workflows
COPY review_service ./review_service
# The editor widget and its demo page are served from here (/integrations/widget/…).
COPY integrations/js/review-widget.js integrations/js/demo.html ./integrations/js/
# Editable install, as in development: the engine reads dictionaries/ next to the packages in /app.
RUN pip install -q --no-index --no-deps --no-build-isolation -e /app \
    && python3 -m compileall -q -j 0 checks workflows review_service

USER review
VOLUME ["/data"]
EXPOSE 8000
# Ready = the API answers and reaches its database and broker (GET /api/v1/ready).
HEALTHCHECK --interval=15s --timeout=10s --start-period=120s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/api/v1/ready', timeout=9)"
CMD ["review-service", "serve"]
