# One image for every service; the deployment picks the entry point (see docker-compose.yml and deploy/k8s).
# Services run from TypeScript through swc (tools/run-ts.cjs), so the image holds the sources and the production
# dependencies only (swc is one of them), no build output.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: nothing we depend on needs one (tfjs-node, which would download libtensorflow, is not a
# dependency; swc's native binary comes as an optional platform package).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json tsconfig.base.json ./
COPY tools/run-ts.cjs tools/create-topics.ts ./tools/
COPY libs ./libs
COPY apps ./apps
USER node
EXPOSE 3000
CMD ["node", "tools/run-ts.cjs", "apps/decision-service/src/main.ts"]
