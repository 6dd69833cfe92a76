/* SPDX-License-Identifier: Apache-2.0 */
/* NPYGUARD_EXPORT: marks the declarations that make up npyguard's public ABI. The library is
   compiled with hidden visibility (CMake's CXX_VISIBILITY_PRESET hidden and
   VISIBILITY_INLINES_HIDDEN), so a shared build exports exactly the marked functions and classes
   and nothing from npyguard::detail or the layers in src/. In a static build the attribute is
   harmless: visibility only shapes a shared object's dynamic symbol table. Trust boundary: none.
   Written in C so that npyguard_c.h can include it from C99 code. Only ELF and Mach-O platforms
   with GCC or Clang are supported (README: Supported platforms); elsewhere the macro is empty. */
#ifndef NPYGUARD_EXPORT_H_
#define NPYGUARD_EXPORT_H_

#if defined(__GNUC__) || defined(__clang__)
#define NPYGUARD_EXPORT __attribute__((visibility("default")))
#else
#define NPYGUARD_EXPORT
#endif

#endif /* NPYGUARD_EXPORT_H_ */
