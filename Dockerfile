# syntax=docker/dockerfile:1
# The AWS Batch image of redshift-loader: compiled JavaScript and production dependencies only, run as
# a non-root user on a read-only root filesystem (the job definitions mount /tmp from task storage).
#
#   docker build -t redshift-loader:$(git rev-parse --short HEAD) .
#   docker run --rm --read-only --tmpfs /tmp redshift-loader:<tag> --help
#
# Pin the base by digest in CI (NODE_IMAGE=node:22-bookworm-slim@sha256:…) for reproducible builds.
ARG NODE_IMAGE=node:22-bookworm-slim

# ---- build: all dependencies, then tsc into dist/
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would run tsc before the sources are copied; the build is explicit below.
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
# datasets/*.json (the built-in contracts and their schema) go into dist/datasets/ with the build (npm run build).
COPY datasets ./datasets
COPY core ./core
COPY jobs ./jobs
COPY crawler ./crawler
COPY data-quality ./data-quality
COPY sql ./sql
COPY tpch ./tpch
# scripts/bundle.mjs: the build bundles dist/ into dist/bundle/, which bin/redshift-loader.js loads.
COPY scripts ./scripts
RUN npm run build

# ---- deps: production dependencies only, no install scripts (prepare would need tsc and the sources)
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

# ---- runtime
FROM ${NODE_IMAGE} AS runtime
# MALLOC_MMAP_THRESHOLD_: glibc returns large freed buffers to the OS at once, so the partition pass's
# peak memory stays the same at 1M and 10M rows (measured: 390 MiB instead of 470-490 MiB at 10M).
# No --enable-source-maps: Node would read and parse the bundle's source maps in every thread at start
# (measured: +0.23 s CPU per partition run). A user never sees a stack (errors are one line); to map one
# from --debug, run with NODE_OPTIONS=--enable-source-maps (dist/bundle/*.js.map ship in the image).
# bench/partition.ts runs our process with these same variables (IMAGE_ENV; test/bench checks it).
ENV NODE_ENV=production \
    MALLOC_MMAP_THRESHOLD_=131072 \
    NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
# Owned by root, read-only for the job user: the code cannot be changed at run time.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
COPY bin ./bin
# npm and corepack are not needed to run the job: drop them (less to patch, less to exploit).
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
 && chmod -R a-w /app
# The image's own unprivileged user (uid 1000); Batch runs the command as this user.
USER node
# A batch job, not a server: nothing to probe.
HEALTHCHECK NONE
ENTRYPOINT ["node", "/app/bin/redshift-loader.js"]
CMD ["--help"]
