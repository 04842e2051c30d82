# Pause's action server: the official rasa-sdk image with the project's actions and bot package.
# Build from the repository root:
#   docker build -f deploy/actions.Dockerfile -t pause-actions .
FROM rasa/rasa-sdk:3.6.2

USER root
WORKDIR /app
# A busy Rasa may open its connection, then write the request seconds later: Sanic's default
# keep-alive timeout (5 s) would drop it before the request arrives.
ENV PYTHONPATH=/app \
    SANIC_KEEP_ALIVE_TIMEOUT=75

# The outcome store's libraries, at the versions the project pins and tests.
COPY requirements.txt /tmp/requirements.txt
RUN python -m pip install --no-cache-dir -c /tmp/requirements.txt \
        SQLAlchemy alembic psycopg2-binary PyYAML \
    && rm /tmp/requirements.txt

COPY actions ./actions
COPY bot ./bot
COPY content ./content

USER 1001
EXPOSE 5055
CMD ["start", "--actions", "actions", "--port", "5055"]
