# syntax=docker/dockerfile:1
# One image for every service; the deployment picks the entry point (deploy/k8s/*.yaml, docker-compose.yml):
#   node dist/apps/<service>/src/main.js      node dist/tools/create-topics.js
# The services run compiled JavaScript (tools/deploy/build.ts, swc): no TypeScript is loaded at run time.
#
# The base is pinned by digest so that a re-pushed tag never changes what is built. The digest below is a
# placeholder (no registry nor container engine is reachable where this file was written): set the current one,
#   docker buildx imagetools inspect node:20-bookworm-slim --format '{{json .Manifest.Digest}}'
# or pass --build-arg NODE_IMAGE=node:20-bookworm-slim@sha256:<digest>. With the placeholder the build fails.
ARG NODE_IMAGE=node:20-bookworm-slim@sha256:0000000000000000000000000000000000000000000000000000000000000000

# 1. Build: all dependencies, then compile apps/, libs/ and the topic tool into dist/.
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# No install scripts: nothing we build with needs one (swc's native binary comes as an optional platform package).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY .swcrc tsconfig.json tsconfig.base.json ./
COPY tools ./tools
COPY libs ./libs
COPY apps ./apps
RUN node tools/run-ts.cjs tools/deploy/build.ts --out dist

# 2. Production dependencies only.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# 3. Runtime: production dependencies + build output, owned by root and read-only for the service user, so the
# container runs with readOnlyRootFilesystem (only /tmp is written, an emptyDir in Kubernetes).
FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /src/dist ./dist
COPY --chown=root:root package.json ./
# The base image's unprivileged `node` user, by number so that runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 3000 3001 3002 3003
CMD ["node", "dist/apps/decision-service/src/main.js"]
