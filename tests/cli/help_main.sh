# SPDX-License-Identifier: Apache-2.0
# --help prints the main usage to stdout, exit 0
cd "$2" || exit 99
"$1" --help
