# Concierge, the fan FAQ bot. Build:  docker build -t concierge .
# Run:  docker run -d --name concierge -e DISCORD_TOKEN concierge
# Settings come from CONCIERGE_<SECTION>_<KEY> variables or a mounted TOML file named by
# CONCIERGE_CONFIG; the token from DISCORD_TOKEN or a mounted file named by
# CONCIERGE_DISCORD_TOKEN_FILE. /app/data can be replaced by mounting your own knowledge base.

# --- build stage: dependencies first (cached until pyproject.toml changes), then the package ---
FROM python:3.11-slim AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
# Runtime dependencies only, read from pyproject.toml: no test or dev extras.
COPY pyproject.toml ./
RUN python -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))' > requirements.txt \
    && pip install --no-cache-dir -r requirements.txt

# The package itself, non-editable, without touching the dependencies installed above.
COPY README.md ./
COPY bot/ ./bot/
RUN pip install --no-cache-dir --no-deps . && pip check

# --- runtime stage: the venv, the knowledge base, an unprivileged user ---
FROM python:3.11-slim AS runtime

# Settings keep their defaults here (variables would override a mounted config file):
# knowledge.data_dir "data" is /app/data, health.address is 127.0.0.1:8080 inside the container.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN groupadd --system --gid 10001 concierge \
    && useradd --system --uid 10001 --gid concierge --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin concierge

COPY --from=build /opt/venv /opt/venv
WORKDIR /app
# The shipped knowledge base, read-only for the bot; mount your own over it (-v ./data:/app/data:ro).
COPY data/ /app/data/
VOLUME ["/app/data"]
# Knowledge gaps and votes: the SQLite file (storage.sqlite_path, state/concierge.sqlite3) lives
# here, writable by the bot; mount a volume on it to keep them (-v concierge-state:/app/state).
RUN mkdir /app/state && chown 10001:10001 /app/state

USER 10001:10001

# Healthy only while the bot is connected to the Discord gateway.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-m", "bot", "health"]

STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot", "run"]
