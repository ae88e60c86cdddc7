# syntax=docker/dockerfile:1
# One image for every Arbor service: the bundled `arbor` CLI (dist/arbor.mjs) on plain node, with the production
# dependencies and the proto tree it loads at run time. The command picks the service:
#   docker build -t arbor:0.1.0 .
#   docker run --rm arbor:0.1.0 serve reward          (default command: serve all, the embedded demo stack
#                                                      with the gateway: -p 8080:8080 for the OpenAI-compatible API)

# A minor release on a fixed Alpine, so a rebuild gets patch fixes but never a new major or distro.
# Production builds should pin the digest as well: --build-arg NODE_IMAGE=node:20.20-alpine3.22@sha256:...
ARG NODE_IMAGE=node:20.20-alpine3.22

FROM ${NODE_IMAGE} AS base
WORKDIR /app
ENV npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false

# Only the workspace manifests. The install stages copy them from here, and COPY --from is cached by content,
# so editing a source file does not re-run `npm ci`; a new workspace needs no change to this file.
FROM base AS manifests
COPY packages packages
COPY services services
COPY apps apps
RUN find packages services apps -mindepth 2 -maxdepth 2 ! -name package.json -exec rm -rf {} +

# Every dependency, for the build. --ignore-scripts: no dependency runs code at install time. The two that
# declare install scripts do not need them: esbuild finds its binary in its optional platform package, and
# protobufjs's script only prints a version notice.
FROM base AS deps
COPY package.json package-lock.json .npmrc ./
COPY --from=manifests /app/packages packages
COPY --from=manifests /app/services services
COPY --from=manifests /app/apps apps
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --ignore-scripts

FROM deps AS build
COPY tsconfig.base.json ./
COPY protos protos
COPY packages packages
COPY services services
COPY apps apps
RUN npm run build -w @arbor/app

# Production dependencies only, then pruned of what the bundle never loads: the @arbor/* links point at
# workspace sources that esbuild already bundled, tsx and esbuild are production dependencies only because
# apps/arbor/bin/arbor.js runs the TypeScript sources through tsx, and .bin holds launchers for those tools.
FROM base AS prod-deps
COPY package.json package-lock.json .npmrc ./
COPY --from=manifests /app/packages packages
COPY --from=manifests /app/services services
COPY --from=manifests /app/apps apps
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --omit=dev --ignore-scripts \
 && rm -rf node_modules/@arbor node_modules/tsx node_modules/esbuild node_modules/@esbuild node_modules/.bin

FROM ${NODE_IMAGE} AS runtime
# The services run node and nothing else; npm, npx, corepack and yarn would only add packages for scanners to
# flag and tools for an intruder to use. (The shell stays: Kubernetes preStop hooks run `sleep`.)
RUN rm -rf /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
           /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-*
WORKDIR /app
# The services' own defaults bind 127.0.0.1, which nothing outside a container can reach. The proto root is
# set rather than found by walking up from the bundle, so moving dist/ cannot break it. The drain on SIGTERM
# (running searches return their best answer) keeps within ARBOR_SHUTDOWN_GRACE_MS: 8 s here leaves time to
# exit before `docker stop` kills the container at its default 10 s (Compose and Kubernetes set their own).
ENV NODE_ENV=production \
    ARBOR_PROTO_ROOT=/app/protos \
    ARBOR_SHUTDOWN_GRACE_MS=8000 \
    ARBOR_ORCHESTRATOR_LISTEN=0.0.0.0:50051 \
    ARBOR_POLICY_LISTEN=0.0.0.0:50052 \
    ARBOR_VALUE_LISTEN=0.0.0.0:50053 \
    ARBOR_REWARD_LISTEN=0.0.0.0:50054 \
    ARBOR_GATEWAY_LISTEN=0.0.0.0:8080
# Owned by root and not writable by the service user: the app writes nothing to disk, and must not be able to
# change its own code. This also lets Kubernetes mount the root filesystem read-only.
COPY --from=prod-deps /app/node_modules node_modules
COPY --from=build /app/apps/arbor/dist dist
COPY protos protos
# The base image's `node` user, given by number so that Kubernetes' runAsNonRoot can verify it is not root.
USER 1000:1000
EXPOSE 50051 50052 50053 50054 8080
# node is PID 1: `arbor serve` handles SIGTERM/SIGINT itself (health NOT_SERVING, drain, exit), so no init is
# needed. The telemetry loader runs before the app's modules load, and is a no-op unless OTEL_* configures it.
# Source maps turn stack traces in the JSON logs into TypeScript file and line.
ENTRYPOINT ["node", "--enable-source-maps", "--import", "/app/dist/telemetry.mjs", "/app/dist/arbor.mjs"]
CMD ["serve", "all"]
