#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Formatting and static analysis, as scripts/test.sh runs them: clang-format 14 (.clang-format)
# must leave every C++ file unchanged, and clang-tidy 14 (.clang-tidy, every finding an error)
# must pass on every translation unit under src/. Usage: scripts/lint.sh [BUILD_DIR], where
# BUILD_DIR holds compile_commands.json (default build/default).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build/default}

mapfile -t files < <(git ls-files 'src/*.cpp' 'src/*.h' 'include/*.h' 'tests/*.cpp' 'tests/*.h' \
                                  'fuzz/*.cpp' 'fuzz/*.h' 'bench/*.cpp' 'python/*.cpp' 'python/*.h')
echo "clang-format: ${#files[@]} files"
clang-format-14 --dry-run --Werror "${files[@]}"

if [[ ! -f $build_dir/compile_commands.json ]]; then
  echo "lint: $build_dir/compile_commands.json is missing (configure a preset first)" >&2
  exit 2
fi
echo "clang-tidy: every translation unit under src/"
run-clang-tidy-14 -p "$build_dir" -j "$(nproc)" -quiet "$PWD/src/" > "$build_dir/clang-tidy.log" 2>&1 || {
  grep -E "(warning|error):" "$build_dir/clang-tidy.log" | sort -u >&2
  echo "lint: clang-tidy found problems (full log: $build_dir/clang-tidy.log)" >&2
  exit 1
}
echo "lint: clean"
