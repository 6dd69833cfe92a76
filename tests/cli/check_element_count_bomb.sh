# SPDX-License-Identifier: Apache-2.0
# Element-count bombs: types of size 0 (|S0, |V0, a record without fields) need no payload, so
# 10^12 elements fit in a 128-byte file. Every element counts at least one byte against
# max_array_bytes, so by default each is refused as array_too_large; 1,000 of them still pass,
# and a raised --max-bytes lets the big ones through on purpose.
cd "$2" || exit 99
bin=$1
dir=$(mktemp -d "${TMPDIR:-/tmp}/npyguard-count.XXXXXX")
trap 'rm -rf "$dir"' EXIT
/usr/bin/python3 - "$dir" <<'PY' || exit 1
import sys
def npy(descr, count):
    header = "{'descr': %s, 'fortran_order': False, 'shape': (%d,), }" % (descr, count)
    header += " " * (118 - len(header) - 1) + "\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode("latin-1")
for name, descr in (("s0", "'|S0'"), ("v0", "'|V0'"), ("record", "[]")):
    for label, count in (("1e12", 10**12), ("1000", 1000)):
        with open("%s/%s_%s.npy" % (sys.argv[1], name, label), "wb") as f:
            f.write(npy(descr, count))
PY
for f in "$dir"/*.npy; do
  echo "$(basename "$f"): $(stat -c %s "$f") bytes"
done
"$bin" check "$dir"/*.npy | sed "s|$dir/||"
echo "status=${PIPESTATUS[0]}"
"$bin" check --max-bytes 1T "$dir"/*_1e12.npy | sed "s|$dir/||"
echo "status=${PIPESTATUS[0]}"
