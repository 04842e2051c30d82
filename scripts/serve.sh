#!/usr/bin/env bash
# Start the action server and the Rasa server together; Ctrl-C (or TERM) stops both cleanly.
# SHELL_MODE=1 talks to Pause in the terminal instead of serving HTTP channels.
set -euo pipefail
cd "$(dirname "$0")/.."
HOST="${HOST:-127.0.0.1}"
RASA_PORT="${RASA_PORT:-5005}"
ACTIONS_PORT="${ACTIONS_PORT:-5055}"
export RASA_TELEMETRY_ENABLED=false PYTHONPATH="${PYTHONPATH:-$PWD}"
export PAUSE_ACTION_ENDPOINT="${PAUSE_ACTION_ENDPOINT:-http://127.0.0.1:${ACTIONS_PORT}/webhook}"
# Sanic drops a connection that sends nothing for 5 s, and a busy Rasa can open its connection to
# the action server and write the request seconds later: give it 75 s (longer than a proxy's 60).
export SANIC_KEEP_ALIVE_TIMEOUT="${SANIC_KEEP_ALIVE_TIMEOUT:-75}"
mkdir -p var
# The outcome store is brought to the latest schema on every start (safe with several replicas).
.venv/bin/python -m bot db upgrade

SANIC_HOST="$HOST" .venv/bin/rasa run actions --actions actions -p "$ACTIONS_PORT" &
actions_pid=$!
rasa_pid=""
stop() {
  trap - EXIT HUP INT TERM
  kill $rasa_pid "$actions_pid" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop EXIT HUP INT TERM

# Rasa itself starts through Pause's launcher, which applies Pause's adjustments to Rasa first.
if [ "${SHELL_MODE:-0}" = "1" ]; then
  .venv/bin/python -m components.launcher shell --model models/pause.tar.gz --endpoints endpoints.yml -p "$RASA_PORT"
else
  .venv/bin/python -m components.launcher run --model models/pause.tar.gz --endpoints endpoints.yml --credentials credentials.yml \
    -i "$HOST" -p "$RASA_PORT" --cors "${PAUSE_CORS_ORIGINS:-http://localhost:${RASA_PORT}}" &
  rasa_pid=$!
  # Whichever server stops first, or a Ctrl-C or TERM, stops both.
  wait -n "$rasa_pid" "$actions_pid" || true
fi
