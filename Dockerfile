# The ra2 conformance suite as a container image: the `ra2` CLI (entrypoint)
# and the Sonobuoy plugin command (sonobuoy/ra2.yaml runs
# `node /app/dist/cli/sonobuoy/main.js`).
#
# On any Docker host with registry access:
#   docker build -t ra2-testbed/ra2-conformance:$(node -p 'require("./package.json").version') .
# or under a name of your own (then `ra2 plugin --image <name>` renders its manifest):
#   make image IMAGE=registry.example.org/ra2:0.2.0
# On a host without a container registry or whose containers cannot reach the
# npm registry: scripts/build-plugin-image.sh, which makes the base image
# locally and builds with NPM_CI=false from a staged context that already holds
# dist/ and a production node_modules/ (made on the host with the same
# `npm ci --omit=dev`).
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
# true: install and compile here. false: the context carries dist/ and a
# production node_modules/ already (see scripts/build-plugin-image.sh).
ARG NPM_CI=true
WORKDIR /src
COPY package.json package-lock.json ./
RUN if [ "$NPM_CI" = true ]; then npm ci --no-audit --no-fund --loglevel=error; fi
COPY . .
RUN set -e; \
    if [ "$NPM_CI" = true ]; then \
      npm run build; \
      rm -rf node_modules; \
      npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error; \
    fi; \
    test -f dist/cli/ra2/main.js -a -f dist/cli/sonobuoy/main.js \
      || { echo "no dist/: build with NPM_CI=true or stage dist/ into the context" >&2; exit 1; }; \
    test -d node_modules/@kubernetes/client-node \
      || { echo "no production node_modules/ in the context" >&2; exit 1; }; \
    if [ -d node_modules/typescript ] || [ -d node_modules/mocha ]; then \
      echo "node_modules/ holds development dependencies; stage it with npm ci --omit=dev" >&2; exit 1; \
    fi; \
    rm -rf dist/test; \
    find dist -name '*.map' -delete; \
    # Type declarations, source maps and Markdown are never read at run time:
    # about 44 MB of the production node_modules/ (30 MB of .d.ts alone).
    find node_modules -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' \
      -o -name '*.map' -o -name '*.md' \) -delete

FROM ${NODE_IMAGE}
LABEL org.opencontainers.image.title="ra2-conformance" \
      org.opencontainers.image.description="Conformance suite for Anuket RA2 chapter 4, with a Sonobuoy plugin entry point" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/catalog/releases ./catalog/releases
# The official image's `node` user, by number so that runAsNonRoot can verify it.
USER 1000:1000
ENTRYPOINT ["node", "/app/dist/cli/ra2/main.js"]
CMD ["--help"]
