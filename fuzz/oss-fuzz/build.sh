#!/bin/bash -eu
# SPDX-License-Identifier: Apache-2.0
# OSS-Fuzz entry point (projects/npyguard/build.sh in google/oss-fuzz): the project's own build
# script, the same one ClusterFuzzLite and scripts/fuzz_ci.sh run, so the three cannot drift.
# It finds RE2 and libdeflate in $SRC/re2 and $SRC/libdeflate (cloned by the Dockerfile).
exec "$SRC/npyguard/fuzz/build.sh"
