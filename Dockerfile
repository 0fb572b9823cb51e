# One recipe for every service image; `--build-arg SERVICE=<folder under services/>` picks the service.
#
# Why one parameterised file and not one per service: the services differ only in their entry module and two
# port numbers, and Dockerfiles have no include, so per-service copies would be five versions of the same steps
# waiting to drift apart. The per-service values (PORT, METRICS_PORT) are build arguments that the Makefile
# sets from one table; build through `make image-<service>` to get them right.
#
# Stages:
#   build   compiles services/<SERVICE>/ and the shared code it imports, then collects the files its entry
#           point reaches and the npm packages they import (deploy/image/service-closure.mjs)
#   deps    installs production dependencies from the lock file and prunes them to those packages
#   rootfs  takes the node binary and the shared libraries it links from the base image
#   final   FROM scratch: node, its libraries, the compiled service, its dependencies and proto/. No shell, no
#           package manager, no npm: the image runs one program, as a numeric non-root user, and writes nothing.
#
# BASE_IMAGE is any Debian-based Node 20 image with npm, sh, ldd and cp (the official slim image by default;
# test/images builds with a local equivalent because this repository's CI cannot pull from a registry).

ARG BASE_IMAGE=node:20-bookworm-slim

FROM ${BASE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# Dev dependencies are needed here for the compiler. Install scripts are skipped: nothing used needs them.
RUN --mount=type=cache,target=/root/.npm \
    npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY proto ./proto
COPY shared ./shared
COPY services ./services
COPY deploy/image ./deploy/image
ARG SERVICE
RUN node deploy/image/service-closure.mjs tsconfig "${SERVICE}" > tsconfig.image.json \
 && node node_modules/typescript/bin/tsc -p tsconfig.image.json \
 && node deploy/image/service-closure.mjs collect --root /src --service "${SERVICE}" --out /out
# The source revision, passed by the Makefile (the build context has no .git); the service reports it in its
# "listening" log line, --version and katib_service_info. Declared last so that a new revision rebuilds nothing.
ARG REVISION=unknown
RUN node deploy/image/write-revision.mjs /out/dist/REVISION "${REVISION}"

FROM ${BASE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# The full production install does not depend on SERVICE, so all images share this cached layer.
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY --from=build /out/package.json ./package.json
# The reduced package.json lists only what the service imports; prune removes the rest (for all services but
# medianstop that is @kubernetes/client-node and its dependencies, two thirds of the install). Type
# declarations and source maps are read by editors and debuggers, never at run time.
RUN npm prune --omit=dev --ignore-scripts --offline --no-audit --no-fund \
 && find node_modules -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.map' \) -delete \
 && rm -f package-lock.json

FROM ${BASE_IMAGE} AS rootfs
# Copies the base image's node and the libraries `ldd` reports for it (glibc, libstdc++, libgcc_s) into
# /rootfs, keeping their paths, so the final image needs nothing else from a distribution. Also: /tmp for the
# rare library that wants one, and passwd/group entries so the numeric user has a name in tools that ask.
RUN set -eu; \
    node_path="$(command -v node)"; \
    mkdir -p /rootfs/usr/local/bin /rootfs/etc /rootfs/tmp; \
    cp -L "$node_path" /rootfs/usr/local/bin/node; \
    for lib in $(ldd "$node_path" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do \
      cp -L --parents "$lib" /rootfs; \
    done; \
    chmod 1777 /rootfs/tmp; \
    printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/nonexistent:/sbin/nologin\n' > /rootfs/etc/passwd; \
    printf 'root:x:0:\nnonroot:x:65532:\n' > /rootfs/etc/group; \
    printf 'hosts: files dns\n' > /rootfs/etc/nsswitch.conf

FROM scratch
COPY --from=rootfs /rootfs/ /
COPY --from=deps /app/node_modules /app/node_modules
COPY --from=deps /app/package.json /app/package.json
COPY --from=build /out/dist /app/dist
COPY proto /app/proto
ARG SERVICE
# 6789 for suggestion services, 6788 for early stopping (Katib's fixed ports). The metrics port of an
# early-stopping image must differ from the suggestion container's, because Katib runs both in one pod and
# cannot pass environment variables to the early-stopping container.
ARG PORT=6789
ARG METRICS_PORT=8080
ENV PATH=/usr/local/bin:/usr/bin:/bin \
    PORT=${PORT} \
    METRICS_PORT=${METRICS_PORT}
ARG REVISION=unknown
LABEL org.opencontainers.image.title="katib-ts ${SERVICE}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.description="Katib ${SERVICE} service in TypeScript (drop-in replacement for the stock service)"
WORKDIR /app
USER 65532:65532
EXPOSE ${PORT} ${METRICS_PORT}
# Exec form: node is PID 1 and receives SIGTERM itself (it installs a handler, so PID 1's ignore-by-default
# does not apply); the services drain and exit 0 on it.
ENTRYPOINT ["node", "/app/dist/main.js"]
