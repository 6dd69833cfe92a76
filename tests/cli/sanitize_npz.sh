# SPDX-License-Identifier: Apache-2.0
# sanitize: an archive is rewritten member by member into a fresh archive the strict reader
# accepts; --store/--deflate choose the method; a hostile member rejects the whole archive
cd "$2" || exit 99
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
"$1" sanitize tests/fixtures/npz/savez_compressed_nonseekable.npz "$tmp/a.npz" | sed "s#$tmp#TMP#g"
"$1" inspect --json "$tmp/a.npz" | grep -o '"method": "[a-z]*"' | sort | uniq -c
"$1" sanitize --store tests/fixtures/npz/savez_compressed.npz "$tmp/b.npz" | sed "s#$tmp#TMP#g"
"$1" inspect --json "$tmp/b.npz" | grep -o '"method": "[a-z]*"' | sort | uniq -c
"$1" check "$tmp/a.npz" "$tmp/b.npz" | sed "s#$tmp#TMP#g"
"$1" sanitize tests/cli/data/object_member.npz "$tmp/c.npz"
echo "exit=$?"
test -e "$tmp/c.npz" || echo "nothing written"
