// SPDX-License-Identifier: Apache-2.0
// The one translation unit that defines Catch2 v2's main(); v3 links Catch2WithMain instead.
#define CATCH_CONFIG_MAIN
#include "support/catch.h"
