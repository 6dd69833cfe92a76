# SPDX-License-Identifier: Apache-2.0
# check: a missing file is an error on stderr and exit 2 wins over 1
cd "$2" || exit 99
"$1" check samples/temperatures.npy tests/cli/no-such-file.npy samples/pickled_objects.npy
