# SPDX-License-Identifier: Apache-2.0
# check -/inspect -: an archive on standard input is spooled to a temporary file; .npy input
# still streams
cd "$2" || exit 99
cat tests/fixtures/npz/savez_compressed.npz | "$1" check -
echo "exit=$?"
"$1" check - < tests/fixtures/npz/savez_stored.npz
echo "exit=$?"
cat tests/cli/data/object_member.npz | "$1" check --json -
echo "exit=$?"
out="$(cat tests/fixtures/npz/savez_names.npz | "$1" inspect -)"
echo "exit=$?"
printf '%s\n' "$out" | head -n 8
cat samples/temperatures.npy | "$1" check --json -
echo "exit=$?"
printf 'PK\003\004' | "$1" check -
echo "exit=$?"
# Endless input that cannot be an archive: the copy stops at the first impossible byte (here the
# first local header's name length), it does not wait for the end of input.
(printf 'PK\003\004'; yes) | timeout 60 "$1" check -
echo "exit=$?"
# A valid archive followed by 10 MB: refused at the first byte after the end record.
(cat tests/fixtures/npz/savez_stored.npz; head -c 10000000 /dev/zero) | "$1" check -
echo "exit=$?"
# The stream limit (default 1G) is an option.
"$1" check --max-stdin-bytes 4K - < tests/fixtures/npz/savez_stored.npz
