# SPDX-License-Identifier: Apache-2.0
# sanitize with --skip-non-npy: errors name the input's member, not the output's (skipped members
# shift the indices), and sanitize applies check's header budget while it reads
cd "$2" || exit 99
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
python3 - "$tmp/in.npz" <<'PY'
import sys, zipfile
wide = open("corpus/regressions/sanitize/nbsp_field_names_header_grows.npy", "rb").read()
plain = open("samples/temperatures.npy", "rb").read()
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("notes.txt", b"not an array")
    z.writestr("plain.npy", plain)
    z.writestr("wide.npy", wide)
PY
"$1" check --skip-non-npy "$tmp/in.npz" | sed "s#$tmp#TMP#"
"$1" sanitize --skip-non-npy "$tmp/in.npz" "$tmp/out.npz" | sed "s#$tmp#TMP#"
echo "exit=${PIPESTATUS[0]}"
"$1" check --skip-non-npy --max-total-header-bytes 200 "$tmp/in.npz" | sed "s#$tmp#TMP#"
"$1" sanitize --skip-non-npy --max-total-header-bytes 200 "$tmp/in.npz" "$tmp/out.npz" |
  sed "s#$tmp#TMP#"
echo "exit=${PIPESTATUS[0]}"
ls "$tmp"
