# SPDX-License-Identifier: Apache-2.0
# sanitize: a new OUT gets 0666 minus the umask; --in-place keeps the input's mode (a private
# 0600 upload must not become world-readable); an existing OUT keeps its mode
cd "$2" || exit 99
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
umask 077
"$1" sanitize samples/temperatures.npy "$tmp/new.npy" > /dev/null
stat -c 'new file under umask 077: %a' "$tmp/new.npy"
umask 022
cp samples/temperatures.npy "$tmp/private.npy"
chmod 600 "$tmp/private.npy"
"$1" sanitize --in-place "$tmp/private.npy" > /dev/null
stat -c 'in place, was 600: %a' "$tmp/private.npy"
: > "$tmp/existing.npy"
chmod 640 "$tmp/existing.npy"
"$1" sanitize samples/temperatures.npy "$tmp/existing.npy" > /dev/null
stat -c 'existing OUT, was 640: %a' "$tmp/existing.npy"
"$1" sanitize samples/temperatures.npy "$tmp/fresh.npy" > /dev/null
stat -c 'new file under umask 022: %a' "$tmp/fresh.npy"
