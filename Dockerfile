# MetaChat's one image. Its entry point's first argument picks the program:
#   docker run IMAGE --help    lists them (operator, gateway, identity, chat, ...)
#   docker run IMAGE chat      runs the chat service
# Settings come from the environment only. It runs as the numeric user 10001 and
# with a read-only root filesystem: nothing is written at run time.
# BASE: any Node 20 image on Debian (apt is used for tini).
ARG BASE=node:20-bookworm-slim

FROM ${BASE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY services services
COPY operator operator
COPY models models
RUN npm run build

FROM ${BASE}
# tini as PID 1: it hands SIGTERM to node (whose graceful shutdown then runs) and reaps zombies.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# Production packages only, less what Node never loads: source maps, type
# declarations, and TensorFlow.js's browser and ES-module builds (in Node each
# tfjs package loads its own dist/*.node.js bundle, and the wasm backend its .wasm files).
RUN npm ci --omit=dev --no-audit --no-fund --cache /tmp/npm-cache \
 && rm -rf /tmp/npm-cache \
 && find node_modules -type f \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' \) -delete \
 && for pkg in node_modules/@tensorflow/*/; do \
      find "$pkg/dist" -type f ! -name '*.node.js' ! -name '*.wasm' -delete \
      && find "$pkg/dist" -type d -empty -delete; \
    done
COPY --from=build /src/dist dist
USER 10001
ENTRYPOINT ["tini", "--", "node", "/app/dist/services/main.js"]
CMD ["--help"]
