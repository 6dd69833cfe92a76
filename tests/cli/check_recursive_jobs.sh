# SPDX-License-Identifier: Apache-2.0
# check -r -j: a directory tree walked in sorted order (every regular file, judged by content; a
# symlinked directory loop is not followed), checked 3 at a time; the verdicts come out in the
# same order as with -j 1, and the exit code is the worst one
cd "$2" || exit 99
tree=$(mktemp -d "${TMPDIR:-/tmp}/npyguard-walk.XXXXXX")
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree/a/deeper" "$tree/b"
cp samples/temperatures.npy "$tree/a/1_ok.npy"
cp samples/pickled_objects.npy "$tree/a/deeper/2_objects.npy"
cp samples/huge_shape.npy "$tree/b/3_huge.npy"
cp tests/fixtures/npz/savez_stored.npz "$tree/b/4_archive.npz"
cp tests/cli/data/object_member.npz "$tree/b/5_object_member.npz"
echo "not an array" > "$tree/b/notes.txt"
ln -s .. "$tree/a/loop"
"$1" check -r -j 3 "$tree" | sed "s|$tree|TREE|"
echo "status=${PIPESTATUS[0]}"
"$1" check --recursive --jobs=1 "$tree" > "$tree.serial" 2>&1
"$1" check -r -j 0 "$tree" > "$tree.parallel" 2>&1
cmp "$tree.serial" "$tree.parallel" && echo "same output with -j 1 and -j 0"
rm -f "$tree.serial" "$tree.parallel"
# Without -r a directory is not a regular file; a bad -j is a usage error.
"$1" check "$tree" 2>&1 | sed "s|$tree|TREE|"
"$1" check -j many samples/temperatures.npy
