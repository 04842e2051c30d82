#!/usr/bin/env bash
# Start PostgreSQL and Redis on this machine if they are installed but not answering.
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
