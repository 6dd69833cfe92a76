# SPDX-License-Identifier: Apache-2.0
# sanitize: a NumPy-written file comes back byte-identical; byte order and order conversions;
# a rejected input writes nothing; OUT == IN needs --in-place
cd "$2" || exit 99
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
"$1" sanitize samples/temperatures.npy "$tmp/t.npy" | sed "s#$tmp#TMP#g"
echo "exit=$?"
cmp samples/temperatures.npy "$tmp/t.npy" && echo "identical to np.save"
"$1" sanitize --native-endian --c-order tests/fixtures/npy/f8_be_3x4_fortran.npy "$tmp/n.npy" | sed "s#$tmp#TMP#g"
"$1" inspect "$tmp/n.npy" | grep -E '^(descr|order):'
"$1" sanitize samples/pickled_objects.npy "$tmp/p.npy"
echo "exit=$?"
test -e "$tmp/p.npy" || echo "nothing written"
cp samples/temperatures.npy "$tmp/same.npy"
"$1" sanitize "$tmp/same.npy" "$tmp/same.npy" 2>&1 | sed "s#$tmp#TMP#g"
"$1" sanitize --in-place "$tmp/same.npy" | sed "s#$tmp#TMP#g"
cmp samples/temperatures.npy "$tmp/same.npy" && echo "in place: unchanged canonical bytes"
"$1" sanitize samples/temperatures.npy
echo "exit=$?"
