# Multi-stage image for PianoRhythm. It builds with the same scripts as the README
# (scripts/setup.sh, scripts/build.sh), so the image and a local build cannot drift apart.

FROM rust:1-slim-bookworm AS build
RUN apt-get update -q \
 && apt-get install -y -q --no-install-recommends nodejs npm python3 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
ENV CARGO_TARGET_DIR=/src/target/cargo
RUN bash scripts/setup.sh && bash scripts/build.sh --release

FROM debian:bookworm-slim AS runtime
RUN apt-get update -q \
 && apt-get install -y -q --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --uid 10001 pianorhythm
WORKDIR /app
COPY --from=build /src/target/cargo/release/server /app/server
COPY --from=build /src/target/site /app/site
# The embedded store (used when MONGODB_URI is unset) lives on a volume owned by the app user.
RUN mkdir -p /app/data && chown pianorhythm /app/data
VOLUME /app/data
ENV LEPTOS_SITE_ADDR=0.0.0.0:3000 \
    LEPTOS_SITE_ROOT=/app/site \
    DATA_DIR=/app/data \
    LOG_FORMAT=json \
    RUST_LOG=info
USER pianorhythm
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD curl -fsS http://127.0.0.1:3000/health || exit 1
CMD ["/app/server"]
