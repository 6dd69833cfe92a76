# SPDX-License-Identifier: Apache-2.0
# sanitize replays corpus/regressions/sanitize/: every file there is one check accepts; sanitize
# either writes an OUT that check accepts too, or refuses and writes nothing (output_rejected
# when the canonical form breaks a limit the input kept, such as a header that grows when NumPy's
# escapes are written)
cd "$2" || exit 99
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
for f in corpus/regressions/sanitize/*; do
  echo "$f:"
  "$1" check -q "$f" || echo "  input not accepted by check"
  out="$tmp/out.${f##*.}"
  "$1" sanitize --json "$f" "$out" | sed -E 's/.*"name": "([a-z_]+)".*"member": ("[^"]*"|null).*/refused: \1, member \2/; s/.*"ok": true.*/written/'
  echo "  exit=${PIPESTATUS[0]}"
  if [ -e "$out" ]; then
    "$1" check "$out" | sed "s#$tmp#TMP#"
    rm -f "$out"
  else
    echo "  nothing written"
  fi
done
ls -A "$tmp"
