// SPDX-License-Identifier: Apache-2.0
// A consumer of the installed (or fetched) C++ API: reads the .npy named on the command line and
// prints its descr and shape, and checks that the headers and the library it links agree on the
// version. Built by tests/consumer/consumer.sh through find_package, pkg-config and FetchContent.
#include <cstring>
#include <iostream>

#include "npyguard/npyguard.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: consumer FILE.npy\n";
    return 2;
  }
  if (std::strcmp(npyguard::build_info().version, NPYGUARD_VERSION_STRING) != 0) {
    std::cerr << "consumer: headers " << NPYGUARD_VERSION_STRING << ", library "
              << npyguard::build_info().version << '\n';
    return 1;
  }
  auto array = npyguard::read_npy_file(argv[1]);
  if (!array.ok()) {
    std::cerr << npyguard::describe(array.error()) << '\n';
    return 1;
  }
  std::cout << array->info().descr() << ' ' << array->count() << '\n';
  return 0;
}
