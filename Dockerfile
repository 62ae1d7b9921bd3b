# hono-admin: `docker build -t hono-admin .` then `docker run -p 8001:8001 hono-admin`
# (see docker-compose.yml for MariaDB + Redis).

# --- dependencies (production only, from the lockfile) ---
FROM oven/bun:1.4.5-slim AS deps
WORKDIR /app
COPY package.json bun.lock ./
COPY patches ./patches
RUN bun install --frozen-lockfile --production --ignore-scripts

# --- runtime ---
FROM oven/bun:1.4.5-slim
WORKDIR /app
ENV ENVIRONMENT=prod \
    SERVER_HOST=0.0.0.0 \
    SERVER_PORT=8001 \
    DATABASE_URL=file:/app/data/hono-admin.db \
    STORAGE_DIR=/app/data/static
COPY --from=deps /app/node_modules ./node_modules
COPY package.json bunfig.toml tsconfig.json ./
COPY src ./src
COPY db ./db
COPY scripts ./scripts
RUN mkdir -p /app/data && chown -R bun:bun /app/data
USER bun
VOLUME ["/app/data"]
EXPOSE 8001
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD bun -e "fetch('http://127.0.0.1:8001/api/v1/common/health/').then(r => process.exit(r.ok ? 0 : 1)).catch(() => process.exit(1))"
STOPSIGNAL SIGTERM
CMD ["bun", "run", "src/entry/bun.ts"]
