# dqlite-agent image: docker build -t dqlite-agent:0.1.0 . (docs/agent.md#container-image)
# Stage 1 builds the workspace and assembles the agent with its production dependencies only.
FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles its native addon when no prebuilt binary matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
RUN npm install -g pnpm@10.34.9
WORKDIR /src
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml tsconfig.base.json tsconfig.json ./
COPY packages/core/package.json packages/core/
COPY packages/cli/package.json packages/cli/
COPY packages/agent/package.json packages/agent/
RUN pnpm install --frozen-lockfile
COPY packages packages
RUN pnpm exec tsc -b \
 && pnpm --filter @dqlite-analyzer/agent deploy --prod --legacy /out

# Stage 2: Node, journalctl (to follow the host journal) and the agent; nothing to build with.
FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends systemd \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out /app
# Non-root by default. On microk8s the dqlite files are root-only (0600), so the DaemonSet runs it
# as uid 0 with every capability dropped; see deploy/kubernetes/daemonset.yaml.
USER 65532:65532
ENV NODE_ENV=production
EXPOSE 9963
ENTRYPOINT ["node", "/app/dist/main.js"]
