# SPDX-License-Identifier: Apache-2.0
# sanitize as a filter: 'sanitize - -' reads standard input and writes the canonical copy to
# standard output (the verdict to standard error), only once the copy is complete and read back;
# a refused input writes zero bytes. IN may also be a FIFO or a process substitution.
cd "$2" || exit 99
bin=$1
dir=$(mktemp -d "${TMPDIR:-/tmp}/npyguard-filter.XXXXXX")
trap 'rm -rf "$dir"' EXIT
echo "--- .npy through the filter comes back byte-identical"
"$bin" sanitize - - < samples/temperatures.npy 2>"$dir/err" | cmp - samples/temperatures.npy && echo identical
cat "$dir/err"
echo "--- .npz through the filter loads to the same arrays in NumPy"
"$bin" sanitize - - < tests/fixtures/npz/savez_compressed.npz > "$dir/out.npz" 2>"$dir/err"
echo "status=$?"
cat "$dir/err"
/usr/bin/python3 - "$dir/out.npz" tests/fixtures/npz/savez_compressed.npz <<'PY'
import sys, numpy as np
a, b = (np.load(p, allow_pickle=False) for p in sys.argv[1:])
same = sorted(a.files) == sorted(b.files) and all(
    a[k].dtype == b[k].dtype and a[k].shape == b[k].shape and a[k].tobytes() == b[k].tobytes()
    for k in a.files)
print("numpy: same keys and values" if same else "numpy: DIFFERENT")
PY
echo "--- a refused input writes nothing to standard output"
"$bin" sanitize - - < samples/pickled_objects.npy 2>"$dir/err" | wc -c
echo "status=${PIPESTATUS[0]}"
cat "$dir/err"
"$bin" sanitize --max-stdin-bytes 1K - - < tests/fixtures/npz/savez_compressed.npz 2>"$dir/err" | wc -c
cat "$dir/err"
echo "--- --json with OUT '-': the JSON verdict goes to standard error"
"$bin" sanitize --json - - < samples/temperatures.npy 2>&1 >/dev/null
echo "--- a FIFO and a process substitution as IN"
mkfifo "$dir/fifo"
cat samples/temperatures.npy > "$dir/fifo" &
"$bin" sanitize "$dir/fifo" "$dir/from_fifo.npy" | sed "s|$dir|DIR|g"
wait
cmp "$dir/from_fifo.npy" samples/temperatures.npy && echo identical
"$bin" sanitize <(cat tests/fixtures/npz/savez_stored.npz) "$dir/from_subst.npz" |
  sed -E "s|$dir|DIR|g; s|/dev/fd/[0-9]+|/dev/fd/N|g"
"$bin" check "$dir/from_subst.npz" | sed "s|$dir|DIR|g"
echo "--- standard input cannot be replaced in place"
"$bin" sanitize --in-place - < samples/temperatures.npy
echo "status=$?"
