# SPDX-License-Identifier: Apache-2.0
# -- ends the options: a later --json is a file name
cd "$2" || exit 99
"$1" check -- samples/temperatures.npy --json
