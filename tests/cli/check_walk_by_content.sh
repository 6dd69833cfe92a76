# SPDX-License-Identifier: Apache-2.0
# check -r judges every regular file by its content, whatever its name: a pickled array named
# upload_123 and an archive named x.NPY are found and judged, symbolic links to files are checked,
# links to directories, broken links and FIFOs are skipped and counted, and a summary goes to
# standard error. A walk that checks nothing (an empty tree, everything filtered out) exits 2.
cd "$2" || exit 99
tree=$(mktemp -d "${TMPDIR:-/tmp}/npyguard-content.XXXXXX")
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree/up/sub" "$tree/empty"
cp samples/pickled_objects.npy "$tree/up/upload_123"
cp tests/fixtures/npz/savez_stored.npz "$tree/up/sub/x.NPY"
cp samples/temperatures.npy "$tree/up/good.npy"
echo "a,b" > "$tree/up/notes.csv"
ln -s good.npy "$tree/up/link_to_file"
ln -s sub "$tree/up/link_to_dir"
ln -s missing "$tree/up/broken_link"
mkfifo "$tree/up/pipe"
bin=$1
run_check() { "$bin" check "$@" 2>&1 | sed "s|$tree|TREE|g"; echo "status=${PIPESTATUS[0]}"; }
echo "--- every file, by content"
run_check -r "$tree/up"
echo "--- --include on names"
run_check -r --include '*.npy' --include 'upload_*' "$tree/up"
echo "--- --exclude on names; a FILE named on the command line is always checked"
run_check -r --exclude 'upload_*' --exclude '*.csv' "$tree/up" "$tree/up/notes.csv"
echo "--- nothing to check"
run_check -r "$tree/empty"
run_check -r --include '*.h5' "$tree/up"
