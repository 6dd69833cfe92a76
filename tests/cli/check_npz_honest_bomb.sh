# SPDX-License-Identifier: Apache-2.0
# The amplification budget on an honest bomb: numpy.savez_compressed of a 4 GiB array of zeros
# (a ~4 MB archive whose member really inflates to 4 GiB, every size and CRC true) is refused
# by default with archive_amplification_exceeded, and accepted, after inflating all of it, when
# the budget is raised. The archive is made at test time: NumPy writes it (ZIP64 and all), and
# zlib's output for each 16 MiB chunk of zeros, full-flushed, is computed once and repeated, so
# making it takes seconds, not the minute deflating 4 GiB would.
cd "$2" || exit 99
bin=$1
dir=$(mktemp -d "${TMPDIR:-/tmp}/npyguard-bomb.XXXXXX")
trap 'rm -rf "$dir"' EXIT
/usr/bin/python3 - "$dir/bomb.npz" <<'PY' || exit 1
import sys, zipfile, zlib
import numpy as np

class RepeatingDeflate:
    """zlib at NumPy's level, full-flushed after every write, so each block depends only on
    its own input: a chunk of zeros seen before gets the bytes computed the first time."""
    def __init__(self):
        self.zlib = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        self.known = None  # (chunk, its compressed bytes)
    def compress(self, data):
        if self.known is not None and len(data) == len(self.known[0]) and data == self.known[0]:
            return self.known[1]
        out = self.zlib.compress(data) + self.zlib.flush(zlib.Z_FULL_FLUSH)
        if len(data) > 1 << 20 and not any(data[:4096]) and data.count(0) == len(data):
            self.known = (bytes(data), out)
        return out
    def flush(self):
        return self.zlib.flush()

zipfile._get_compressor = lambda *args, **kwargs: RepeatingDeflate()
np.savez_compressed(sys.argv[1], zeros=np.zeros(4 << 30, dtype=np.uint8))
with zipfile.ZipFile(sys.argv[1]) as z:
    info = z.getinfo("zeros.npy")
    print("member zeros.npy: %d bytes from %d compressed" % (info.file_size, info.compress_size))
PY
size=$(stat -c %s "$dir/bomb.npz")
echo "archive under 5 MB: $([ "$size" -lt 5000000 ] && echo yes || echo "no ($size)")"
echo "--- by default"
"$bin" check "$dir/bomb.npz" | sed "s|$dir|DIR|g"
echo "status=${PIPESTATUS[0]}"
echo "--- with the budget raised, all 4 GiB are inflated and CRC-checked"
"$bin" check --amplification-floor 5G "$dir/bomb.npz" | sed "s|$dir|DIR|g"
echo "status=${PIPESTATUS[0]}"
