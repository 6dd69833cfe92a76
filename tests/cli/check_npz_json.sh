# SPDX-License-Identifier: Apache-2.0
# check --json: an archive's members with their entry and npy fields; error objects name the
# member (or only its index); exit 2 wins for an unreadable file
cd "$2" || exit 99
"$1" check --json tests/fixtures/npz/savez_stored.npz tests/cli/data/object_member.npz tests/cli/data/with_notes.npz tests/cli/no-such-file.npz
