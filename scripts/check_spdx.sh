#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Every source file (C, C++, CMake, shell, Python, pkg-config and header templates) carries an
# `SPDX-License-Identifier: Apache-2.0` line among its first three lines (after a shebang).
# Corpus and fixture data are not source.
#   scripts/check_spdx.sh          list files without the line, exit 1 if there are any
#   scripts/check_spdx.sh --fix    add the line to them (after the shebang, in the file's comment
#                                  syntax)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! git rev-parse --is-inside-work-tree > /dev/null 2>&1; then
  echo "skipped: not a git checkout"
  exit 77
fi
fix=0
[[ ${1:-} == --fix ]] && fix=1
tag="SPDX-License-Identifier: Apache-2.0"

source_files() {
  git ls-files --cached --others --exclude-standard |
    grep -Ev '^(build/|corpus/(fuzz_|regressions/|expect/))' |
    while IFS= read -r file; do
      [[ -f $file ]] || continue
      case ${file##*/} in
        *.cpp | *.h | *.c | *.inc | *.cmake | *.in | *.sh | *.py | CMakeLists.txt)
          echo "$file" ;;
        *.*) ;;
        *) head -c 64 "$file" | grep -qE '^#!.*(bash|sh|python)' && echo "$file" ;;
      esac
    done
}

comment_for() {
  case $1 in
    *.cpp | *.h | *.inc | *.h.in) echo "// $tag" ;;
    *.c) echo "/* $tag */" ;;
    *) echo "# $tag" ;;
  esac
}

missing=0
while IFS= read -r file; do
  head -n 3 "$file" | grep -q "SPDX-License-Identifier:" && continue
  if [[ $fix == 1 ]]; then
    line=$(comment_for "$file")
    if head -n 1 "$file" | grep -q '^#!'; then
      sed -i "1a $line" "$file"
    else
      sed -i "1i $line" "$file"
    fi
  else
    echo "missing SPDX line: $file"
    missing=$((missing + 1))
  fi
done < <(source_files)
if [[ $missing -gt 0 ]]; then
  echo "$missing file(s) without '$tag' (scripts/check_spdx.sh --fix adds it)" >&2
  exit 1
fi
