# SPDX-License-Identifier: Apache-2.0
# check --help prints the check usage with the limit options, exit 0
cd "$2" || exit 99
"$1" check --help
