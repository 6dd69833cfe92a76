#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs one CLI golden test: tests/cli/<CASE>.sh is run as `bash <CASE>.sh BIN ROOT` with stdout
# and stderr merged, its exit status is appended as "exit=N", and the result must equal
# tests/cli/<CASE>.expected byte for byte.
# Usage: run_case.sh BIN ROOT CASE   (BIN: the npyguard binary, ROOT: the repository root,
#        CASE: a case name such as check_ok, or a path to its .sh file)
set -u
if [ "$#" -ne 3 ]; then
  echo "usage: $0 BIN ROOT CASE" >&2
  exit 2
fi
# Absolute paths, because the case scripts cd into ROOT.
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
root="$(cd "$2" && pwd)"
case_name="$(basename "$3" .sh)"
dir="$root/tests/cli"
script="$dir/$case_name.sh"
expected="$dir/$case_name.expected"
for f in "$bin" "$script" "$expected"; do
  if [ ! -f "$f" ]; then
    echo "run_case: missing $f" >&2
    exit 2
  fi
done
out="$(mktemp "${TMPDIR:-/tmp}/npyguard-cli-$case_name.XXXXXX")"
trap 'rm -f "$out"' EXIT
# Fixed locale and a closed-over stdin so results do not depend on the caller's environment.
LC_ALL=C bash "$script" "$bin" "$root" > "$out" 2>&1 < /dev/null
echo "exit=$?" >> "$out"
diff -u "$expected" "$out"
