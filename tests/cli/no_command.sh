# SPDX-License-Identifier: Apache-2.0
# no command or an unknown command: usage on stderr, exit 2
cd "$2" || exit 99
"$1" 2>/dev/null; echo "no command: exit=$?"
"$1" 2>&1 >/dev/null | head -n 1
"$1" frobnicate 2>&1 >/dev/null | head -n 1
"$1" frobnicate 2>/dev/null
