# SPDX-License-Identifier: Apache-2.0
# check --json: one object per file for ok, rejected and unreadable inputs
cd "$2" || exit 99
"$1" check --json samples/temperatures.npy samples/pickled_objects.npy tests/fixtures/npy/rec_mixed_3x2_fortran.npy tests/cli/no-such-file.npy
