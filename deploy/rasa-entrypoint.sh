#!/bin/sh
# Entry point of Pause's Rasa container: migrate the outcome store, then start Rasa through
# Pause's launcher (components/launcher.py), which applies Pause's adjustments to Rasa first.
# Rasa's HTTP API is on only with a token: RASA_API_TOKEN set turns it on with that token, and
# --enable-api given without a token is refused, so the API can never run open.
set -eu

python -m bot db upgrade

if [ "${1:-}" = "run" ]; then
  api=no
  token=no
  for argument in "$@"; do
    case "$argument" in
      --enable-api) api=yes ;;
      --auth-token|--auth-token=*) token=yes ;;
    esac
  done
  if [ "$api" = no ] && [ -n "${RASA_API_TOKEN:-}" ]; then
    set -- "$@" --enable-api --auth-token "$RASA_API_TOKEN"
  elif [ "$api" = yes ] && [ "$token" = no ]; then
    if [ -z "${RASA_API_TOKEN:-}" ]; then
      echo "Refusing to start: --enable-api needs RASA_API_TOKEN (or --auth-token)." >&2
      exit 64
    fi
    set -- "$@" --auth-token "$RASA_API_TOKEN"
  fi
fi

exec python -m components.launcher "$@"
