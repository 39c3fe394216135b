#!/usr/bin/env bash
# Installs every build and test dependency of ddsim from Debian's packages.
# Idempotent: when everything is already installed it only checks and exits.
set -euo pipefail

PACKAGES=(
  cmake ninja-build g++ pkgconf git
  libgtest-dev libgmock-dev libbenchmark-dev
  libcpp-httplib-dev nlohmann-json3-dev zlib1g-dev libzstd-dev libssl-dev
  libprotobuf-dev protobuf-compiler libmsgpack-cxx-dev
  libyaml-cpp-dev libcli11-dev libspdlog-dev libfmt-dev libsqlite3-dev sqlite3 libjemalloc-dev
  qt6-base-dev libqt6opengl6-dev qt6-charts-dev xvfb xauth fonts-dejavu-core
  clang libclang-rt-14-dev ccache
  python3 python3-aiodogstatsd python3-jsonschema
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all Debian packages present"
fi

# Node.js and npm (for the hot-shots DogStatsD client in integration tests).
# Some images ship a newer nodejs that conflicts with Debian's npm package: only
# install Debian's when no npm is on the PATH.
if ! command -v npm >/dev/null 2>&1; then
  SUDO=""; if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
fi
