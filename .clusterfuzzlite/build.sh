#!/bin/bash -eu
# SPDX-License-Identifier: Apache-2.0
# ClusterFuzzLite entry point: the project's own OSS-Fuzz-style build script.
exec "$SRC/npyguard/fuzz/build.sh"
