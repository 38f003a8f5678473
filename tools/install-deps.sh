#!/usr/bin/env bash
# Installs the Debian packages simlab builds and tests with, and only those
# that are missing. Does nothing (and needs no network) when all are there.
# Not root and something missing: prints the exact apt-get line, exits 69
# (EX_UNAVAILABLE), so a newcomer knows what to run.
set -euo pipefail

packages=(
  g++ cmake make pkg-config
  libboost-context-dev libboost-program-options-dev nlohmann-json3-dev
  libsqlite3-dev libz3-dev libfmt-dev libgtest-dev
  libnl-3-dev libnl-route-3-dev libncurses-dev libsimdjson-dev iproute2 iptables
)
# Extra groups, asked for by name: `install-deps.sh browser fuzz`.
# node: Debian's nodejs (no npm), for `node --check` on the report's scripts.
# lint: clang-format 14 and clang-tidy 14, for tools/lint-changed.sh.
for group in "$@"; do
  case "$group" in
    browser) packages+=(chromium) ;;
    fuzz) packages+=(clang libclang-rt-14-dev) ;;
    node) packages+=(nodejs) ;;
    lint) packages+=(clang-format clang-tidy) ;;
    *) echo "install-deps.sh: unknown group '$group' (expected: browser, fuzz, node, lint)" >&2; exit 64 ;;
  esac
done

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

line="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  echo "simlab needs these Debian packages; run as root:" >&2
  echo "  $line" >&2
  exit 69
fi
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
