# SPDX-License-Identifier: Apache-2.0
# check: a directory cannot be read (not a regular file), exit 2
cd "$2" || exit 99
"$1" check samples
