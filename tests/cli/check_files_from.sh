# SPDX-License-Identifier: Apache-2.0
# check --files-from: paths from a list file or standard input, one per line or NUL-separated
# (-0, as find -print0 writes them); empty entries are ignored, a listed '-' is a file of that
# name; a summary goes to standard error, and a list that names nothing, or cannot be read,
# exits 2.
cd "$2" || exit 99
bin=$1
dir=$(mktemp -d "${TMPDIR:-/tmp}/npyguard-list.XXXXXX")
trap 'rm -rf "$dir"' EXIT
cp samples/temperatures.npy "$dir/with space.npy"
cp samples/pickled_objects.npy "$dir/$(printf 'new\nline.npy')"
run_check() { "$bin" check "$@" 2>&1 | sed "s|$dir|DIR|g"; echo "status=${PIPESTATUS[0]}"; }
echo "--- lines from a file, with an empty line"
printf 'samples/temperatures.npy\n\nsamples/huge_shape.npy\n' > "$dir/list.txt"
run_check --files-from "$dir/list.txt"
echo "--- NUL-separated from standard input, names with a space and a newline"
find "$dir" -name '*.npy' -print0 | sort -z | "$bin" check -0 --files-from - 2>&1 | sed "s|$dir|DIR|g"
echo "status=${PIPESTATUS[2]}"
echo "--- operands and a list together"
printf 'samples/temperatures.npy' | run_check --files-from=- tests/fixtures/npz/savez_stored.npz
echo "--- an empty list checks nothing"
run_check --files-from /dev/null
echo "--- a list that cannot be read"
run_check --files-from "$dir/missing.txt" samples/temperatures.npy
echo "--- a FIFO in a list is refused unread, never waited on (no writer ever comes)"
mkfifo "$dir/fifo"
printf '%s\n' "$dir/fifo" samples/temperatures.npy | timeout 20 "$bin" check --files-from - 2>&1 |
  sed "s|$dir|DIR|g"
echo "status=${PIPESTATUS[1]}"
echo "--- usage errors"
run_check -0 samples/temperatures.npy
printf 'x' | run_check --files-from - -
