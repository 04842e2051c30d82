# Pause's Rasa server: the official Rasa image with the project's components, bot package,
# spaCy pipeline and a model trained at build time. Build from the repository root:
#   docker build -f deploy/rasa.Dockerfile -t pause-rasa .
FROM rasa/rasa:3.6.21-full

USER root
WORKDIR /app
# Sanic's keep-alive timeout above nginx's upstream keepalive_timeout (60 s), so that nginx
# never reuses a connection Rasa has just closed.
ENV PYTHONPATH=/app \
    RASA_TELEMETRY_ENABLED=false \
    TF_CPP_MIN_LOG_LEVEL=2 \
    SANIC_KEEP_ALIVE_TIMEOUT=75

# The Rasa image has every dependency but Alembic, names-dataset and Faker (the name recogniser's
# training names, used while building); the project's pins decide their versions.
COPY requirements.txt /tmp/requirements.txt
RUN python -m pip install --no-cache-dir -c /tmp/requirements.txt alembic names-dataset faker \
    && rm /tmp/requirements.txt

COPY config.yml domain.yml endpoints.yml credentials.yml ./
COPY data ./data
COPY content ./content
COPY bot ./bot
COPY components ./components
COPY deploy/rasa-entrypoint.sh /usr/local/bin/pause-rasa

# The project's own spaCy pipeline, then the model, so the image starts without training.
RUN python -m bot.nlp build var/spacy/pause_en \
    && rasa train --fixed-model-name pause --out models --quiet \
    && rm -rf .rasa \
    && chmod 0755 /usr/local/bin/pause-rasa \
    && chown -R 1001:0 /app

USER 1001
EXPOSE 5005
# Migrates the outcome store (safe with several replicas), then runs Rasa with these arguments
# through Pause's launcher, which applies Pause's adjustments to Rasa first.
ENTRYPOINT ["pause-rasa"]
CMD ["run", "--model", "models/pause.tar.gz", "--endpoints", "endpoints.yml", \
     "--credentials", "credentials.yml", "--interface", "0.0.0.0", "--port", "5005"]
