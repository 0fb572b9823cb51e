#!/usr/bin/env bash
# The image test: builds every service image from the repository's Dockerfile with buildah (no Docker engine
# needed) and starts each one (test/images/images.test.ts). Run from anywhere: `bash test/images/run.sh`.
#
# 1. installs buildah and debootstrap from Debian's packages when missing;
# 2. makes a local base image equivalent to node:20-bookworm-slim for what the Dockerfile uses (Debian bookworm
#    minbase, this machine's Node 20 binary and npm), cached in buildah's store so later runs reuse it;
# 3. builds every service with `make images`, passing that base as BASE_IMAGE;
# 4. runs the node test runner on dist/test/images/ with the list of images.
#
# It needs root (buildah's chroot isolation mounts file systems). When buildah cannot run here it stops with
# the reason and a non-zero exit: an image test that did not run must not look like one that passed.
#
# Environment: IMAGE_TEST_SERVICES="random grid" limits the services; IMAGE_TEST_REBUILD_BASE=1 remakes the
# base; DEBIAN_MIRROR overrides the mirror debootstrap uses (default: this machine's apt source).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"

fail() { echo "test/images: FAILED: $*" >&2; exit 1; }
step() { echo "test/images: $*" >&2; }

# Bump when the base recipe below changes, so cached bases from an older recipe are not reused.
base_recipe=2
cache_dir="${IMAGE_TEST_CACHE:-/var/cache/katib-ts-image-test}"
work_dir="$(mktemp -d /tmp/katib-ts-image-test.XXXXXX)"
trap 'rm -rf "$work_dir"' EXIT

[ "$(id -u)" = 0 ] || fail "must run as root: buildah's chroot isolation needs mount rights (try: sudo bash test/images/run.sh)"
command -v node >/dev/null || fail "node is not on PATH"
node_version="$(node -p 'process.versions.node')"
case "$node_version" in 20.*) ;; *) fail "the base image must carry Node 20 like node:20-bookworm-slim; this machine has $node_version" ;; esac
command -v make >/dev/null || fail "make is not installed (the images are built through the Makefile)"

# --- 1. tools -------------------------------------------------------------------------------------------------
missing=()
command -v buildah >/dev/null || missing+=(buildah)
command -v debootstrap >/dev/null || missing+=(debootstrap)
if [ "${#missing[@]}" -gt 0 ]; then
  command -v apt-get >/dev/null || fail "${missing[*]} missing and apt-get is not available to install them"
  step "installing ${missing[*]} from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 || fail "apt-get update failed"
  apt-get install -y -qq "${missing[@]}" >&2 || fail "apt-get install ${missing[*]} failed"
fi

# buildah must be able to create, mount and run a container here; say exactly what failed if it cannot.
probe="$(buildah from scratch 2>"$work_dir/probe.err")" || fail "buildah cannot create a container: $(cat "$work_dir/probe.err")"
buildah mount "$probe" >/dev/null 2>"$work_dir/probe.err" || { buildah rm "$probe" >/dev/null 2>&1; fail "buildah cannot mount a container (no mount rights?): $(cat "$work_dir/probe.err")"; }
buildah rm "$probe" >/dev/null

# --- 2. base image ---------------------------------------------------------------------------------------------
base_image="localhost/katib-ts-test-base:node${node_version}-r${base_recipe}"
node_bin="$(readlink -f "$(command -v node)")"
npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
[ -f "$npm_dir/package.json" ] || fail "cannot find npm's package folder (from $(command -v npm))"

make_base() {
  local rootfs="$work_dir/rootfs" tarball="$cache_dir/bookworm-minbase.tar"
  mkdir -p "$cache_dir"
  if [ ! -s "$tarball" ]; then
    local mirror="${DEBIAN_MIRROR:-}"
    if [ -z "$mirror" ] && [ -f /etc/apt/sources.list.d/debian.sources ]; then
      mirror="$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources)"
    fi
    step "debootstrap --variant=minbase bookworm (once; cached in $tarball)"
    # With no mirror argument debootstrap uses Debian's default one.
    debootstrap --variant=minbase bookworm "$rootfs" ${mirror:+"$mirror"} >"$work_dir/debootstrap.log" 2>&1 \
      || fail "debootstrap failed: $(tail -5 "$work_dir/debootstrap.log")"
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    tar -C "$rootfs" --exclude=./dev/* --exclude=./proc/* --exclude=./sys/* -cf "$tarball.partial" .
    mv "$tarball.partial" "$tarball"
    rm -rf "$rootfs"
  fi
  step "importing the base image $base_image"
  local ctr mnt
  ctr="$(buildah from scratch)"
  mnt="$(buildah mount "$ctr")"
  tar -C "$mnt" -xf "$tarball"
  # Where node:20-bookworm-slim has them: node in /usr/local/bin, npm and npx beside it.
  install -D -m 0755 "$node_bin" "$mnt/usr/local/bin/node"
  mkdir -p "$mnt/usr/local/lib/node_modules"
  cp -a "$npm_dir" "$mnt/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$mnt/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$mnt/usr/local/bin/npx"
  # Every library node links must be in the base, as it is in the official image.
  local lib
  for lib in $(ldd "$node_bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
    [ -e "$mnt$lib" ] || fail "the base lacks $lib, which node links"
  done
  env -u NODE_EXTRA_CA_CERTS chroot "$mnt" /usr/local/bin/node -e 'process.exit(0)' || fail "node does not start inside the base root file system"
  # The build stages run npm ci against the registry; where this machine reaches it through a TLS proxy whose
  # CA only the machine's bundle holds, the build needs that bundle too. Only the build stages see it: the
  # final image starts from scratch and inherits neither the file nor the variable.
  local trust=()
  if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$NODE_EXTRA_CA_CERTS" ]; then
    install -D -m 0644 "$NODE_EXTRA_CA_CERTS" "$mnt/etc/ssl/certs/katib-ts-test-extra-ca.crt"
    trust=(--env NODE_EXTRA_CA_CERTS=/etc/ssl/certs/katib-ts-test-extra-ca.crt)
  fi
  buildah umount "$ctr" >/dev/null
  buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --env "NODE_VERSION=$node_version" \
    "${trust[@]}" --cmd node --label "katib-ts.test-base-recipe=$base_recipe" "$ctr"
  buildah commit --quiet --rm "$ctr" "$base_image" >/dev/null
  # Bases of older recipes or Node versions are not used again.
  local old
  for old in $(buildah images --format '{{.Name}}:{{.Tag}}' | grep '^localhost/katib-ts-test-base:' | grep -vxF "$base_image"); do
    buildah rmi "$old" >/dev/null 2>&1 || true
  done
}

if [ "${IMAGE_TEST_REBUILD_BASE:-0}" = 1 ]; then
  buildah rmi "$base_image" >/dev/null 2>&1 || true
  rm -f "$cache_dir/bookworm-minbase.tar"
fi
if buildah inspect --type image "$base_image" >/dev/null 2>&1; then
  step "reusing the base image $base_image"
else
  make_base
fi

# --- 3. service images -----------------------------------------------------------------------------------------
services="${IMAGE_TEST_SERVICES:-$(make -s list-images | awk '{ print $1 }' | tr '\n' ' ')}"
[ -n "${services// /}" ] || fail "no service has services/<name>/main.ts"
manifest="$work_dir/images.json"
echo '[' >"$manifest"
first=1
for service in $services; do
  line="$(make -s list-images SERVICES="$service")"
  image="$(echo "$line" | awk '{ print $2 }')"
  step "building $image"
  start=$(date +%s)
  make -s "image-$service" BASE_IMAGE="$base_image" BUILDER="buildah bud --isolation chroot --layers --quiet" \
    >"$work_dir/build-$service.log" 2>&1 || { tail -40 "$work_dir/build-$service.log" >&2; fail "building the $service image failed"; }
  seconds=$(( $(date +%s) - start ))
  [ "$first" = 1 ] || echo ',' >>"$manifest"
  first=0
  printf '{"service":"%s","image":"%s","buildSeconds":%d}' "$service" "$image" "$seconds" >>"$manifest"
done
echo ']' >>"$manifest"

# --- 4. start them ---------------------------------------------------------------------------------------------
step "compiling the tests"
# tsc writes its output even when some file has errors; the unit test run reports those. Here only this suite's
# own compiled files matter, and their absence is a failure.
if ! npx --no-install tsc -p . >"$work_dir/tsc.log" 2>&1; then
  echo "test/images: warning: the TypeScript build reported errors (see npm test):" >&2
  head -10 "$work_dir/tsc.log" >&2
fi
[ -f dist/test/images/images.test.js ] || fail "dist/test/images/images.test.js was not compiled"
step "starting each image"
IMAGE_TEST_MANIFEST="$manifest" IMAGE_TEST_REPORT="${IMAGE_TEST_REPORT:-$repo/dist/image-test-report.json}" \
  node --test --test-concurrency=1 dist/test/images/
