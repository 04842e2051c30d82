#!/usr/bin/env bash
# Start PostgreSQL and Redis on this machine if they are installed but not answering, and install
# the tools the deployment tests run (tests/production/test_deployment_files.py) if missing:
# nginx, which checks and serves deploy/nginx.conf, and docker compose, which checks
# deploy/docker-compose.yml. Both come from Debian's packages; under CI=true the tests fail
# without them rather than skip.
set -uo pipefail
up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if ! up 5432 && command -v pg_ctlcluster >/dev/null 2>&1; then
  for version in /etc/postgresql/*; do
    pg_ctlcluster --skip-systemctl-redirect "$(basename "$version")" main start || true
  done
fi
if ! up 6379 && command -v redis-server >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true
fi
for port in 5432 6379; do
  for _ in $(seq 1 20); do up "$port" && break; sleep 0.5; done
  up "$port" && echo "service on port $port: up" || echo "service on port $port: not reachable"
done

packages=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || packages+=(nginx)
docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null 2>&1 || packages+=(docker-compose)
if [ "${#packages[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  # No recommends: the compose command is only asked to check a file, never to reach a Docker engine.
  $sudo apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null \
    || echo "could not install ${packages[*]}"
fi
{ command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; } && echo "tool nginx: installed" || echo "tool nginx: missing"
{ docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null 2>&1; } \
  && echo "tool docker compose: installed" || echo "tool docker compose: missing"
