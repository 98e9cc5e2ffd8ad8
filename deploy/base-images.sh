#!/usr/bin/env bash
# Local stand-ins for the registry's base images, built from Debian bookworm packages with mmdebstrap
# and `docker import`, for machines that cannot pull from an image registry. They are tagged
# review-local/* so they are never mistaken for the official images:
#   review-local/python:3.11-bookworm    Debian's Python 3.11 with venv (base of the project image)
#   review-local/redis:7-bookworm        Debian's redis-server 7.0
#   review-local/postgres:15-bookworm    Debian's PostgreSQL 15, with an entry point that honours
#                                        POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB
# Each root file system is kept as a tarball in build/deploy/ and imported again from there on the
# next run. The Debian mirror is the one this host's apt uses.
#   bash deploy/base-images.sh [python] [redis] [postgres]     (default: all three)
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE=build/deploy
mkdir -p "$CACHE"

sources() {  # the host's apt sources, for mmdebstrap (deb822 or one-line format)
  local files=(/etc/apt/sources.list.d/*.sources /etc/apt/sources.list)
  for f in "${files[@]}"; do
    [ -s "$f" ] && grep -qv '^\s*#' "$f" && echo "$f"
  done
}

build() {  # build TAG TARBALL PACKAGES [mmdebstrap options...] -- [docker import --change ...]
  local tag=$1 name=$2 tarball=$CACHE/$2 packages=$3
  shift 3
  if docker image inspect "$tag" >/dev/null 2>&1; then
    echo "base image $tag: present"
    return
  fi
  if [ ! -s "$tarball" ]; then
    local opts=() changes=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    changes=("$@")
    local mirrors=()
    mapfile -t mirrors < <(sources)
    echo "base image $tag: mmdebstrap bookworm ($packages)"
    mmdebstrap --quiet --variant=minbase --include="$packages" \
      --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
      --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
      --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
      "${opts[@]}" bookworm "$CACHE/partial-$name" "${mirrors[@]}"
    mv "$CACHE/partial-$name" "$tarball"
    printf '%s\n' "${changes[@]}" > "$tarball.changes"
  fi
  local change_args=()
  while IFS= read -r line; do [ -n "$line" ] && change_args+=(--change "$line"); done < "$tarball.changes"
  docker import "${change_args[@]}" "$tarball" "$tag" >/dev/null
  echo "base image $tag: imported from $tarball"
}

wanted=" ${*:-python redis postgres} "
want() { [[ $wanted == *" $1 "* ]]; }

want python && build review-local/python:3.11-bookworm python-3.11-bookworm.tar \
  python3,python3-venv,ca-certificates,tzdata -- \
  'ENV LANG=C.UTF-8' 'CMD ["python3"]'

want redis && build review-local/redis:7-bookworm redis-7-bookworm.tar redis-server \
  --customize-hook='mkdir -p "$1/data" && chroot "$1" chown redis:redis /data' -- \
  'ENV LANG=C.UTF-8' 'WORKDIR /data' 'USER redis' 'EXPOSE 6379' 'CMD ["redis-server", "--protected-mode", "no"]'

want postgres && build review-local/postgres:15-bookworm postgres-15-bookworm.tar postgresql-15 \
  --customize-hook='copy-in deploy/postgres-entrypoint.sh /usr/local/bin/' \
  --customize-hook='chmod 755 "$1/usr/local/bin/postgres-entrypoint.sh"' \
  --customize-hook='rm -rf "$1/var/lib/postgresql/15" "$1/etc/postgresql/15"' -- \
  'ENV LANG=C.UTF-8' 'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  'ENV PGDATA=/var/lib/postgresql/data' 'EXPOSE 5432' \
  'ENTRYPOINT ["/usr/local/bin/postgres-entrypoint.sh"]' 'CMD []'
exit 0
