#!/usr/bin/env bash
# Makes sure a Redis server answers on 127.0.0.1:6379 (the scaled-out layout's lock store, and its tests): installs
# it from Debian's packages if missing (needs root) and starts it in the background, listening on 127.0.0.1 only.
# Without root and without a server it says so and returns 1: the layout tests then skip, or fail under CI=true.
set -uo pipefail
HOST=${REDIS_HOST:-127.0.0.1}
PORT=${REDIS_PORT:-6379}

ready() { command -v redis-cli >/dev/null 2>&1 && [ "$(redis-cli -h "$HOST" -p "$PORT" ping 2>/dev/null)" = PONG ]; }

if ready; then exit 0; fi
if ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    echo "redis: no server on $HOST:$PORT and not root: cannot install one" >&2
    exit 1
  fi
  echo "redis: installing Redis (Debian packages) ..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq redis-server >/dev/null || { echo "redis: install failed" >&2; exit 1; }
fi
echo "redis: starting redis-server on $HOST:$PORT ..." >&2
redis-server --bind "$HOST" --port "$PORT" --daemonize yes --save "" --appendonly no >/dev/null
for _ in $(seq 1 20); do
  if ready; then exit 0; fi
  sleep 0.5
done
echo "redis: the server did not come up on $HOST:$PORT" >&2
exit 1
