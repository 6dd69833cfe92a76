# SPDX-License-Identifier: Apache-2.0
# check: an object (pickle) dtype is refused with its own code, exit 1
cd "$2" || exit 99
"$1" check samples/pickled_objects.npy
