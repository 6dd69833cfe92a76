# SPDX-License-Identifier: Apache-2.0
# check reads a named FIFO and a process substitution as a stream, like standard input: an .npy
# is validated as it arrives and an .npz is spooled under --max-stdin-bytes.
cd "$2" || exit 99
bin=$1
dir=$(mktemp -d "${TMPDIR:-/tmp}/npyguard-fifo.XXXXXX")
trap 'rm -rf "$dir"' EXIT
mkfifo "$dir/npy" "$dir/npz" "$dir/bad"
cat samples/temperatures.npy > "$dir/npy" &
cat tests/fixtures/npz/savez_compressed.npz > "$dir/npz" &
cat samples/pickled_objects.npy > "$dir/bad" &
"$bin" check "$dir/npy" "$dir/npz" "$dir/bad" 2>&1 | sed "s|$dir|DIR|g"
echo "status=${PIPESTATUS[0]}"
wait
echo "--- process substitution"
"$bin" check <(cat tests/fixtures/npz/savez_stored.npz) <(cat samples/huge_shape.npy) 2>&1 |
  sed -E 's|/dev/fd/[0-9]+|/dev/fd/N|g'
echo "status=${PIPESTATUS[0]}"
