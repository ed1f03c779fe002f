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
# the bundle (bundle/, made on the host by scripts/bundle.mjs).
#
# The image holds no node_modules/ and no distribution: the program is one
# bundle of dist/ and its production dependencies (scripts/bundle.mjs), run by
# the Node binary of the build stage with the shared libraries it links. No
# shell, no package manager: nothing the suite does in the image needs one.
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
# true: install, compile and bundle here. false: the context carries bundle/
# already (see scripts/build-plugin-image.sh).
ARG NPM_CI=true
WORKDIR /src
COPY package.json package-lock.json ./
RUN if [ "$NPM_CI" = true ]; then npm ci --no-audit --no-fund --loglevel=error; fi
COPY . .
RUN set -e; \
    if [ "$NPM_CI" = true ]; then npm run build; node scripts/bundle.mjs bundle; fi; \
    test -f bundle/dist/cli/ra2/main.js -a -f bundle/dist/cli/sonobuoy/main.js \
      || { echo "no bundle/: build with NPM_CI=true or stage bundle/ into the context" >&2; exit 1; }
# The runtime's file system: node and what `ldd` says it loads (glibc, libstdc++,
# the dynamic loader), an empty /tmp, a home for uid 1000, and the program.
RUN set -e; \
    node=$(readlink -f "$(command -v node)"); \
    mkdir -p /rootfs/usr/local/bin /rootfs/tmp /rootfs/home/node /rootfs/app/catalog; \
    chmod 1777 /rootfs/tmp; chown 1000:1000 /rootfs/home/node; \
    cp "$node" /rootfs/usr/local/bin/node; \
    for lib in $(ldd "$node" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'); do \
      cp --parents -L "$lib" /rootfs; \
    done; \
    cp package.json /rootfs/app/; \
    cp -r catalog/releases /rootfs/app/catalog/; \
    cp -r bundle/dist /rootfs/app/dist; \
    chroot /rootfs /usr/local/bin/node -e 'process.exit(0)'

FROM scratch
LABEL org.opencontainers.image.title="ra2-conformance" \
      org.opencontainers.image.description="Conformance suite for Anuket RA2 chapter 4, with a Sonobuoy plugin entry point" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /rootfs/ /
ENV PATH=/usr/local/bin NODE_ENV=production HOME=/home/node
WORKDIR /app
# uid 1000 as in the official node image, by number so that runAsNonRoot can verify it.
USER 1000:1000
ENTRYPOINT ["node", "/app/dist/cli/ra2/main.js"]
CMD ["--help"]
