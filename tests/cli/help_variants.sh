# SPDX-License-Identifier: Apache-2.0
# help, help CMD, -h and CMD --help agree and exit 0
cd "$2" || exit 99
a="$("$1" --help)"; echo "--help exit=$?"
b="$("$1" help)"; echo "help exit=$?"
c="$("$1" -h)"; echo "-h exit=$?"
[ "$a" = "$b" ] && [ "$a" = "$c" ] && echo "main help: same"
d="$("$1" inspect --help)"; echo "inspect --help exit=$?"
e="$("$1" help inspect)"; echo "help inspect exit=$?"
f="$("$1" check samples/temperatures.npy --help)"; echo "check FILE --help exit=$?"
g="$("$1" help check)"; echo "help check exit=$?"
[ "$d" = "$e" ] && echo "inspect help: same"
[ "$f" = "$g" ] && echo "check help: same"
[ "$d" != "$f" ] && echo "inspect and check help differ"
