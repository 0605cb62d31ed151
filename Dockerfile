# dqlite-agent image: docker build -t dqlite-agent:0.1.0 . (docs/agent.md#container-image)
# The same layout as `pnpm build:image` (scripts/binary/image.ts, which builds it with buildah and
# no registry): the single executable at /usr/local/bin/dqlite-analyze, the agent as its link
# /usr/local/bin/dqlite-agent, journalctl, user 65532. test/binary/binary.test.ts checks both.
# Stage 1 builds the single executable (docs/binary.md).
FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles its native addon when no prebuilt binary matches; binutils: strip.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ binutils ca-certificates \
 && rm -rf /var/lib/apt/lists/*
RUN npm install -g pnpm@10.34.9
WORKDIR /src
# Every workspace package's manifest must be there for a frozen install: copy them all.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml tsconfig.base.json tsconfig.json ./
COPY packages packages
RUN pnpm install --frozen-lockfile
COPY scripts/binary scripts/binary
# .git is not in the build context: pass the commit for --version (docker build --build-arg
# DQA_COMMIT=$(git rev-parse --short=12 HEAD) .).
ARG DQA_COMMIT=unknown
RUN DQA_COMMIT=$DQA_COMMIT pnpm build:binary

# Stage 2: Debian with journalctl (to follow the host journal) and the one file; no Node.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends systemd \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/dist/dqlite-analyze-linux-x64 /usr/local/bin/dqlite-analyze
RUN ln -s dqlite-analyze /usr/local/bin/dqlite-agent
# Non-root by default. On microk8s the dqlite files are root-only (0600), so the DaemonSet runs it
# as uid 0 with every capability dropped; see deploy/kubernetes/daemonset.yaml.
USER 65532:65532
EXPOSE 9963
ENTRYPOINT ["/usr/local/bin/dqlite-agent"]
