#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The Debian packages, end to end: a shared build with prefix /usr, `cpack -G DEB`, then
# `apt-get install ./*.deb` of libnpyguard0, libnpyguard-dev and npyguard on this machine. The
# installed command, a C and a C++ program built with pkg-config, and a find_package project must
# all work without any path set by hand. Removed again (apt-get purge) whatever happens.
# Opt-in, because it installs system packages: runs only with NPYGUARD_DEB_TEST=1, as root, on a
# system with apt-get; otherwise exits 77 (skipped).
#   NPYGUARD_DEB_TEST=1 tests/deb/deb_test.sh SOURCE_DIR WORK_DIR CXX CC
set -euo pipefail
if [[ $# -ne 4 ]]; then
  echo "usage: $0 SOURCE_DIR WORK_DIR CXX CC" >&2
  exit 2
fi
source_dir=$1 work=$2 cxx=$3 cc=$4
jobs=${NPYGUARD_CONSUMER_JOBS:-1}
if [[ ${NPYGUARD_DEB_TEST:-0} != 1 ]]; then
  echo "skipped: set NPYGUARD_DEB_TEST=1 to install and test the Debian packages"
  exit 77
fi
if [[ $(id -u) != 0 ]] || ! command -v apt-get > /dev/null || ! command -v dpkg > /dev/null; then
  echo "skipped: needs root and apt-get"
  exit 77
fi
packages=(libnpyguard0 libnpyguard-dev npyguard)
for package in "${packages[@]}"; do
  if dpkg-query -W -f='${Status}' "$package" 2> /dev/null | grep -q "install ok installed"; then
    echo "FAIL: $package is already installed; remove it first (this test removes what it installs)" >&2
    exit 1
  fi
done

build=$work/build
rm -rf "$work"
mkdir -p "$work"
cmake -S "$source_dir" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$cxx" \
  -DBUILD_SHARED_LIBS=ON -DCMAKE_INSTALL_PREFIX=/usr -DNPYGUARD_BUILD_TESTS=OFF \
  -DNPYGUARD_BUILD_CLI=ON -DNPYGUARD_INSTALL=ON > "$work/configure.log" 2>&1 ||
  { cat "$work/configure.log" >&2; exit 1; }
cmake --build "$build" -j "$jobs" > "$work/build.log" 2>&1 || { tail -50 "$work/build.log" >&2; exit 1; }
(cd "$build" && cpack -G DEB > "$work/cpack.log" 2>&1) || { cat "$work/cpack.log" >&2; exit 1; }
debs=()
for package in "${packages[@]}"; do
  deb=$(find "$build" -maxdepth 1 -name "${package}_*.deb" -print -quit)
  [[ -n $deb ]] || { echo "FAIL: cpack made no ${package}_*.deb" >&2; ls "$build"/*.deb >&2; exit 1; }
  debs+=("$deb")
  echo "== $(basename "$deb")"
  dpkg-deb -f "$deb" Package Version Depends
  dpkg-deb -c "$deb" | awk '{print "   " $6}'
done

cleanup() { apt-get purge -y "${packages[@]}" > "$work/remove.log" 2>&1 || cat "$work/remove.log" >&2; }
trap cleanup EXIT
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${debs[@]}" \
  > "$work/install.log" 2>&1 || { cat "$work/install.log" >&2; exit 1; }

fixture=$source_dir/tests/fixtures/npy/f8_le_2x3.npy
pickled=$source_dir/samples/pickled_objects.npy
npyguard --version
npyguard check "$fixture"
status=0
npyguard check "$pickled" > /dev/null || status=$?
[[ $status == 1 ]] || { echo "FAIL: npyguard check $pickled exited $status, want 1" >&2; exit 1; }
man -w npyguard > /dev/null 2>&1 || [[ -f /usr/share/man/man1/npyguard.1 || -f /usr/share/man/man1/npyguard.1.gz ]]

# shellcheck disable=SC2046
"$cxx" -o "$work/consumer_cpp" "$source_dir/tests/consumer/main.cpp" $(pkg-config --cflags --libs npyguard)
# shellcheck disable=SC2046
"$cc" -std=c99 -Wall -Wextra -Werror -pedantic -o "$work/consumer_c" "$source_dir/tests/consumer/main.c" \
  $(pkg-config --cflags --libs npyguard-c)
[[ $("$work/consumer_cpp" "$fixture") == "'<f8' 6" ]]
"$work/consumer_c" "$fixture"
cmake -S "$source_dir/tests/consumer/cmake_project" -B "$work/find-package" \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_C_COMPILER="$cc" -DCONSUMER_MODE=find_package > "$work/fp.log" 2>&1 ||
  { cat "$work/fp.log" >&2; exit 1; }
cmake --build "$work/find-package" > "$work/fp-build.log" 2>&1 || { cat "$work/fp-build.log" >&2; exit 1; }
"$work/find-package/consumer_c" "$fixture"
echo "deb packages: ok"
