# Trustgate: a multi-stage image. Build:  docker build -t trustgate .
# Run (SQLite, one node):  docker run -p 8080:8080 -v trustgate-data:/data \
#   -e ISSUER_URL=https://id.example.com trustgate
# Several nodes on PostgreSQL, behind a TLS proxy: docker-compose.yml. Guide: docs/operations.md.

# --- build: compile TypeScript and the native modules (argon2, better-sqlite3), then drop dev dependencies
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json ./
COPY src ./src
# npm ci runs "prepare" (tsc), which needs src/ and tsconfig.json
RUN npm ci && npm prune --omit=dev

# --- runtime: no compilers, no sources, no root
FROM node:20-bookworm-slim
# MALLOC_ARENA_MAX=2: the thread pool's threads share two malloc arenas, so the 19 MiB a finished
# argon2id hash freed is reused instead of staying resident per thread (peak RSS under sign-in load)
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=2 \
    PORT=8080 \
    HOST=0.0.0.0 \
    DATABASE_URL=sqlite:/data/trustgate.db
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
# `trustgate <command>` inside the container (docker compose exec trustgate-1 trustgate app list)
RUN chmod +x dist/src/cli/main.js \
 && ln -s /app/dist/src/cli/main.js /usr/local/bin/trustgate \
 && mkdir -p /data && chown node:node /data
# the node image's unprivileged user (uid 1000); the image's files stay owned by root, read-only to it
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["node", "dist/src/healthcheck.js"]
# SIGTERM (docker stop) drains: the server stops accepting, finishes requests in flight, closes the database
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js"]
