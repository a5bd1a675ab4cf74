# Clientele in a container: `docker build -t clientele .` then
# `docker run -p 127.0.0.1:4000:4000 -v clientele-data:/data clientele`.
# No Docker engine in this repository's CI: test/dockerfile.test.ts runs the build stage's COPY and npm steps
# in a clean copy of the files, and checks that the final stage finds what it copies.

ARG NODE_VERSION=24
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary fits.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY admin ./admin
# `npm ci` runs `prepare`: src/ compiles to dist/ and the admin page builds into dist/admin; then the dev
# dependencies go.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund

FROM node:${NODE_VERSION}-bookworm-slim
# Listening on 0.0.0.0 turns the dev issuer off unless asked for: a container is an emulator here, so ask
# (publish the port on 127.0.0.1 only; `docker exec <container> clientele token` mints inside it).
ENV NODE_ENV=production \
    CLIENTELE_HOST=0.0.0.0 \
    CLIENTELE_DEV_ISSUER=1 \
    CLIENTELE_PORT=4000 \
    CLIENTELE_LOCATION=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
RUN mkdir -p /data && chown node:node /data
# Not root: the image's own `node` user owns only /data.
USER node
VOLUME /data
EXPOSE 4000
# Ready = the store answers (/readyz); `docker stop` sends SIGTERM, which lets in-flight requests finish.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.CLIENTELE_PORT || 4000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/clientele.js"]
CMD ["serve"]
