# syntax=docker/dockerfile:1
#
# Plexus container image.
#
#   docker build -t plexus .
#   docker run -p 4000:4000 -e ADMIN_KEY=change-me -v plexus-data:/data plexus
#
# Without DATABASE_URL the gateway starts its own PostgreSQL server (the npm
# registry's packaged binaries, a child process) with its data under DATA_DIR
# (/data here), so mount a volume there to keep its state.

ARG NODE_IMAGE=node:24-bookworm-slim

# ---------------------------------------------------------------------------
# build: install every dependency, compile the gateway and the admin UI, then
# drop the dev dependencies so node_modules can be copied as-is.
# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app

# Manifests first: this layer (the slow one) is reused until they change.
# npm ci honours package.json's allowScripts, so only the approved packages
# (esbuild, @swc/core, lmdb, ...) run install scripts. `.npmrc*` copies the
# project's npm settings when there is such a file (the glob may match none).
COPY package.json package-lock.json .npmrc* ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund

COPY . .

# `npm prune --omit=dev` also removes the `node` npm package (a devDependency
# that pins Node 24 for developers): the base image already is Node 24, and the
# runtime must use its /usr/local/bin/node, not a copy under node_modules.
# The check fails the build if a later change ever lets it slip through.
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && test ! -e node_modules/node \
 && test ! -e node_modules/.bin/node

# ---------------------------------------------------------------------------
# runtime: only what `node dist/...` needs, running as the unprivileged user.
# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime

# tini runs as PID 1: it forwards SIGTERM to node and reaps zombies. Node as
# PID 1 would ignore SIGTERM until the app installs its shutdown hooks (e.g.
# while booting or migrating), so `docker stop` / a pod deletion would then
# wait for SIGKILL.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    DATA_DIR=/data

WORKDIR /app

# Owned by root and so read-only for the `node` user: the app can write only
# to /data (and /tmp).
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Served at /.well-known/plexus/openapi.json without generating the document at boot.
COPY --from=build /app/apps/gateway/openapi.json ./apps/gateway/openapi.json

# The volume must exist, owned by `node`, before VOLUME: a new named volume is
# seeded from the image's directory, ownership included.
RUN mkdir -p /data && chown node:node /data
VOLUME /data

# The image's `node` user (uid/gid 1000); Kubernetes' runAsNonRoot needs the
# numeric id, which the Helm chart sets explicitly.
USER node

EXPOSE 4000

# Liveness only (/health answers "OK" while the process serves); readiness,
# which also checks the database, is GET /ready.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/health', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

ENTRYPOINT ["/usr/bin/tini", "--"]
# V8 sized for a pod (the same flags as `npm start`; see the README's Environment).
CMD ["node", "--max-semi-space-size=4", "--max-old-space-size=256", "dist/apps/gateway/apps/gateway/src/main.js"]
