// SPDX-License-Identifier: Apache-2.0
// Umbrella header: the whole public API of npyguard.
#pragma once

#include "npyguard/dtype.h"
#include "npyguard/error.h"
#include "npyguard/input.h"
#include "npyguard/input_stream.h"
#include "npyguard/limits.h"
#include "npyguard/npy.h"
#include "npyguard/npz.h"
#include "npyguard/result.h"
#include "npyguard/version.h"
#include "npyguard/writer.h"
