#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 for the tests: installs it from Debian's packages and
# starts it if it is missing or stopped (needs root), and lets local TCP connections in with trust auth.
# Without root and without a server it says so and returns 1: the PostgreSQL tests then skip, or fail under CI=true.
set -uo pipefail
HOST=${PGHOST:-127.0.0.1}
PORT=${PGPORT:-5432}

ready() { command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h "$HOST" -p "$PORT"; }

if ready; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "postgres: no server on $HOST:$PORT and not root: cannot install or start one" >&2
  exit 1
fi
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "postgres: installing PostgreSQL (Debian packages) ..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq postgresql >/dev/null || { echo "postgres: install failed" >&2; exit 1; }
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -1)
if command -v pg_lsclusters >/dev/null 2>&1 && ! pg_lsclusters -h | grep -q .; then
  pg_createcluster "$version" main >/dev/null
fi
hba=$(ls /etc/postgresql/"$version"/main/pg_hba.conf 2>/dev/null | head -1)
if [ -n "$hba" ] && ! grep -qE '^host\s+all\s+all\s+127\.0\.0\.1/32\s+trust' "$hba"; then
  sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
fi
echo "postgres: starting PostgreSQL $version ..." >&2
pg_ctlcluster "$version" main start 2>/dev/null || service postgresql start >/dev/null 2>&1 || true
for _ in $(seq 1 30); do
  if ready; then exit 0; fi
  sleep 1
done
echo "postgres: the server did not come up on $HOST:$PORT" >&2
exit 1
