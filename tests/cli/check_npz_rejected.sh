# SPDX-License-Identifier: Apache-2.0
# check/inspect: an object-dtype member is refused and named; an error from opening the archive
# only knows the member index; a truncated archive; exit 1
cd "$2" || exit 99
"$1" check tests/fixtures/npz/savez_stored.npz tests/cli/data/object_member.npz
echo "exit=$?"
"$1" check tests/cli/data/with_notes.npz
echo "exit=$?"
"$1" inspect tests/cli/data/object_member.npz
echo "exit=$?"
head -c 300 tests/fixtures/npz/savez_stored.npz | "$1" check -
