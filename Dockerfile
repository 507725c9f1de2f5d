# syntax=docker/dockerfile:1
#
# Starling: one image for every role.
#
#   docker build -t starling .
#   docker run --rm starling api --help          # ENTRYPOINT is `starling`
#   roles: api | worker | migrate | loadtest    (docker-compose.yml runs each of them)
#   `starling loadtest …` runs the separate `starling-loadtest` executable installed next to it
#   (the server binary does not link the load-test harness).
#
# Build stage: the official Swift image (Debian 12, the same toolchain as development) with
# libhiredis-dev. The Swift standard library and Foundation are linked statically
# (--static-swift-stdlib), so the runtime stage needs no Swift libraries at all: only libhiredis,
# libstdc++ and zlib (what `ldd starling` lists besides libc). Two products: `starling` (the server)
# and `starling-loadtest` (the load-test harness).
# Build arguments: SWIFT_IMAGE (default swift:6.3-bookworm; the dependencies need Swift >= 6.2),
# RUNTIME_IMAGE (default debian:bookworm-slim: same Debian release as the builder, so the same
# libhiredis0.14 ABI).

ARG SWIFT_IMAGE=swift:6.3-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

# ---------------------------------------------------------------------------------------------
FROM ${SWIFT_IMAGE} AS build

RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get -q update \
    && apt-get -q install -y --no-install-recommends libhiredis-dev libvips-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /build

# Dependencies first: this layer is reused as long as the manifest (and the lock file, when the
# build context has one) does not change.
COPY Package.swift Package.resolve[d] ./
RUN swift package resolve $([ -f Package.resolved ] && echo --force-resolved-versions)

# The test targets must exist for the manifest to load, even though only the product is built.
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product starling --static-swift-stdlib \
    && swift build -c release --product starling-loadtest --static-swift-stdlib \
    && mkdir -p /staging \
    && cp "$(swift build -c release --show-bin-path)/starling" /staging/starling \
    && cp "$(swift build -c release --show-bin-path)/starling-loadtest" /staging/starling-loadtest \
    && if [ -x /usr/libexec/swift/linux/swift-backtrace-static ]; then \
         cp /usr/libexec/swift/linux/swift-backtrace-static /staging/; \
       fi

# ---------------------------------------------------------------------------------------------
FROM ${RUNTIME_IMAGE}

# libhiredis0.14: the Redis client library. libstdc++6, zlib1g: linked by the Swift runtime and
# the WebSocket compression. ca-certificates: TLS to PostgreSQL (sslmode=verify-full).
# libvips42: image processing of media attachments (its loaders: JPEG, PNG, WebP, GIF, HEIF).
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get -q update \
    && apt-get -q install -y --no-install-recommends libhiredis0.14 libvips42 libstdc++6 zlib1g ca-certificates \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --user-group --uid 10001 --home-dir /app --create-home --shell /usr/sbin/nologin starling

COPY --from=build /staging/ /usr/local/libexec/starling/
RUN ln -s /usr/local/libexec/starling/starling /usr/local/bin/starling \
    && ln -s /usr/local/libexec/starling/starling-loadtest /usr/local/bin/starling-loadtest
COPY deploy/docker/healthcheck /usr/local/bin/starling-healthcheck
RUN chmod 0755 /usr/local/bin/starling-healthcheck

WORKDIR /app
# `starling-loadtest` (`starling loadtest`) writes its results under ./loadtest/results.
RUN mkdir -p /app/loadtest/results && chown -R starling:starling /app
# Media files (STARLING_MEDIA_ROOT): docker-compose mounts one volume here on every api and worker.
RUN mkdir -p /var/lib/starling/media && chown -R starling:starling /var/lib/starling

# Crash reports (a symbolicated backtrace on stderr) when the backtracer was found at build time.
ENV SWIFT_BACKTRACE=enable=yes,sanitize=yes,threads=all,images=all,interactive=no,swift-backtrace=/usr/local/libexec/starling/swift-backtrace-static
# In a container the listener must not be loopback-only (STARLING_HTTP_HOST defaults to 127.0.0.1).
ENV STARLING_HTTP_HOST=0.0.0.0

USER 10001:10001

# api: STARLING_HTTP_PORT 8080; worker: /health, /ready, /metrics on 9090.
EXPOSE 8080 9090

# /health on this container's STARLING_HTTP_PORT (8080 unless set; compose sets 9090 for
# workers). One-shot roles (migrate, loadtest) should disable it (docker-compose.yml does).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["starling-healthcheck"]

ENTRYPOINT ["starling"]
CMD ["--help"]
