#!/usr/bin/env bash
# `make test-deploy`: the docker compose deployment, run for real, then torn down.
#   1. Docker: installs docker.io (and docker-compose, unless Compose v2 is there) with apt when
#      missing, and starts dockerd as a background process when none runs (stopped again at the end).
#   2. Images: the registry's base images where they can be pulled, else local Debian builds
#      (deploy/base-images.sh, tagged review-local/*); the project image from the host's wheelhouse.
#   3. The operator scenario with its fault trials (deploy/scenario.py), then `down -v`.
# Leaves build/deploy/report.json (the measurements) and keeps the images as a cache.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=build/deploy
mkdir -p "$OUT"
rm -f "$OUT/summary.txt"
PYTHON=${PYTHON:-python3}
started_at=$(date +%s)
elapsed() { echo $(( $(date +%s) - started_at )); }
say() { echo "[test-deploy $(elapsed) s] $*"; }

# --- 1. docker and compose ------------------------------------------------------------------------
need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
if ! docker compose version >/dev/null 2>&1 && ! command -v docker-compose >/dev/null 2>&1; then
  need+=(docker-compose)
fi
if ! docker image inspect review-local/python:3.11-bookworm >/dev/null 2>&1; then
  command -v mmdebstrap >/dev/null 2>&1 || need+=(mmdebstrap)
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing: ${need[*]} (install them, e.g. sudo apt-get install ${need[*]})" >&2
    exit 1
  fi
  say "apt-get install ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q "${need[@]}" >/dev/null
fi
if docker compose version >/dev/null 2>&1; then
  COMPOSE_CMD="docker compose"
else
  COMPOSE_CMD="docker-compose"
fi

our_dockerd=""
if ! docker info >/dev/null 2>&1; then
  say "starting dockerd (log: $OUT/dockerd.log)"
  setsid dockerd >"$OUT/dockerd.log" 2>&1 </dev/null &
  our_dockerd=$!
  for _ in $(seq 1 120); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { echo "dockerd did not start; see $OUT/dockerd.log" >&2; exit 1; }
fi

PROJECT=review-deploy-test
ENV_FILE=$OUT/test.env
compose() { $COMPOSE_CMD -p "$PROJECT" --env-file "$ENV_FILE" -f docker-compose.yml "$@"; }
cleanup() {
  local rc=$?
  if [ -s "$ENV_FILE" ]; then
    say "tearing down"
    compose down -v --remove-orphans >/dev/null 2>&1 || true
  fi
  if [ -n "$our_dockerd" ]; then
    kill "$our_dockerd" 2>/dev/null || true
    wait "$our_dockerd" 2>/dev/null || true
  fi
  say "finished (exit $rc)"
  # the scenario's count, last, where CI reads a run's closing line
  [ -s "$OUT/summary.txt" ] && cat "$OUT/summary.txt"
  exit $rc
}
trap cleanup EXIT

# --- 2. images ------------------------------------------------------------------------------------
PYTHON_IMAGE=python:3.11-slim REDIS_IMAGE=redis:7-alpine POSTGRES_IMAGE=postgres:16-alpine
pulled=1
for image in $PYTHON_IMAGE $REDIS_IMAGE $POSTGRES_IMAGE; do
  docker image inspect "$image" >/dev/null 2>&1 && continue
  timeout 120 docker pull -q "$image" >/dev/null 2>&1 || { pulled=0; break; }
done
services_images=""
if [ $pulled = 0 ]; then
  say "the registry's images cannot be pulled: local Debian builds (review-local/*)"
  bash deploy/base-images.sh python
  # Redis and PostgreSQL are built while the wheelhouse and the project image are
  bash deploy/base-images.sh redis postgres >"$OUT/base-images.log" 2>&1 &
  services_images=$!
  PYTHON_IMAGE=review-local/python:3.11-bookworm
  REDIS_IMAGE=review-local/redis:7-bookworm
  POSTGRES_IMAGE=review-local/postgres:15-bookworm
fi
# The wheelhouse is resolved for the image's Python (environment markers depend on its exact version):
# an interpreter on this host of that version, else this one with a warning.
image_py=$(docker run --rm --network none "$PYTHON_IMAGE" python3 -c 'import platform; print(platform.python_version())')
target_py=""
for candidate in "$PYTHON" /usr/bin/python3 python3; do
  version=$("$candidate" -c 'import platform; print(platform.python_version())' 2>/dev/null || true)
  if [ "$version" = "$image_py" ]; then target_py=$(command -v "$candidate"); break; fi
done
if [ -z "$target_py" ]; then
  target_py=$PYTHON
  say "warning: no Python $image_py on this host; the wheelhouse follows $("$PYTHON" -V 2>&1)"
fi
say "wheelhouse for the image's Python $image_py ($target_py)"
"$PYTHON" deploy/wheelhouse.py build/wheelhouse --python "$target_py" 2>&1 | grep -v "^WARNING: Location" || true
[ -f build/wheelhouse/.stamp ] || { echo "the wheelhouse was not built" >&2; exit 1; }

# The test's .env: the example with a password that URL pasting would break, and faster sweeps.
API_PORT=${API_PORT:-18765}
{
  grep -v -E '^(POSTGRES_PASSWORD|API_PORT|PYTHON_IMAGE|REDIS_IMAGE|POSTGRES_IMAGE|REVIEW_CHECK_OVERDUE_SECONDS|REVIEW_SWEEP_INTERVAL_SECONDS)=' .env.example
  echo "POSTGRES_PASSWORD=Ab%40cd/p@ss:w#1"
  echo "API_PORT=$API_PORT"
  echo "PYTHON_IMAGE=$PYTHON_IMAGE"
  echo "REDIS_IMAGE=$REDIS_IMAGE"
  echo "POSTGRES_IMAGE=$POSTGRES_IMAGE"
  echo "REVIEW_CHECK_OVERDUE_SECONDS=60"
  echo "REVIEW_SWEEP_INTERVAL_SECONDS=20"
} >"$ENV_FILE"
export APP_ENV_FILE=$ENV_FILE
compose down -v --remove-orphans >/dev/null 2>&1 || true  # what an interrupted earlier run left

say "building the project image (once: the api service builds it, the workers reuse it)"
build_started=$(date +%s)
compose build api
build_s=$(( $(date +%s) - build_started ))

if [ -n "$services_images" ]; then
  wait "$services_images" || { cat "$OUT/base-images.log" >&2; exit 1; }
  cat "$OUT/base-images.log"
fi

# --- 3. the operator scenario ---------------------------------------------------------------------
say "operator scenario with fault trials ($COMPOSE_CMD)"
set +e
COMPOSE="$COMPOSE_CMD -p $PROJECT --env-file $ENV_FILE -f docker-compose.yml" API_PORT=$API_PORT \
  REVIEW_CHECK_OVERDUE_SECONDS=60 REVIEW_SWEEP_INTERVAL_SECONDS=20 \
  "$PYTHON" deploy/scenario.py "$OUT/report.json" | tee "$OUT/scenario.log"
rc=${PIPESTATUS[0]}
grep -E '^deploy: [0-9]+ passed, [0-9]+ failed$' "$OUT/scenario.log" | tail -1 >"$OUT/summary.txt" || true
set -e
"$PYTHON" - "$OUT/report.json" "$build_s" "$(elapsed)" "$COMPOSE_CMD" <<'PY'
import json, subprocess, sys
path, build_s, total_s, compose = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
report = json.load(open(path, encoding="utf-8"))
report["image_build_s"] = build_s
report["test_deploy_s_before_teardown"] = total_s
report["docker"] = subprocess.run(["docker", "version", "-f", "{{.Server.Version}}"], capture_output=True, text=True).stdout.strip()
report["compose"] = subprocess.run([*compose.split(), "version", "--short"], capture_output=True, text=True).stdout.strip()
json.dump(report, open(path, "w", encoding="utf-8"), ensure_ascii=False, indent=2)
PY
if [ $rc -ne 0 ]; then
  say "scenario failed; the last lines of each container:"
  compose logs --no-color --tail 40 || true
fi
exit $rc
