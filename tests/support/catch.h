// SPDX-License-Identifier: Apache-2.0
// Catch2 shim: tests include this, never Catch2 directly, so they build with Debian's Catch2 2.13
// and with Catch2 v3.
#pragma once

#if NPYGUARD_CATCH2_MAJOR >= 3
#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>
#else
#include <catch2/catch.hpp>
#endif
