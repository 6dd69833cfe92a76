/* SPDX-License-Identifier: Apache-2.0 */
/* A consumer of the installed C API, built as C99 through pkg-config (npyguard-c.pc) and CMake:
   checks the file named on the command line and prints the verdict's code name. */
#include <stdio.h>

#include "npyguard/npyguard_c.h"

int main(int argc, char** argv) {
  npyguard_error error;
  int status;
  if (argc != 2) return 2;
  status = npyguard_check_file(argv[1], NULL, &error);
  printf("%s %d %s\n", npyguard_version(), status, status == NPYGUARD_OK ? "ok" : error.name);
  return status;
}
