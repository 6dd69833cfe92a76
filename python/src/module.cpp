// SPDX-License-Identifier: Apache-2.0
// The extension module npyguard._npyguard: registers the native half of the package (the pure
// Python half, npyguard/__init__.py, wraps it with NumPy's argument conventions). Trust
// boundary: see binding.h.
#include "binding.h"

PYBIND11_MODULE(_npyguard, module) {
  namespace python = npyguard::python;
  module.doc() = "npyguard's native module; use the npyguard package, not this.";
  module.attr("version") = npyguard::kVersion;
  python::bind_errors(module);
  python::bind_arrays(module);
  python::bind_limits(module);
  python::bind_read(module);
  python::bind_reports(module);
  python::bind_write(module);
}
