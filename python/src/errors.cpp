// SPDX-License-Identifier: Apache-2.0
// Turns npyguard's Error values into Python exceptions: npyguard.Error (a ValueError) for
// everything about the input's bytes, the limits or the call, and the OSError subclass Python
// would raise (FileNotFoundError, PermissionError, IsADirectoryError, ...) for I/O failures.
// Both carry the same attributes (code, number, category, message, detail, offset, member,
// member_index, found, expected, limit, filename). Trust boundary: none (renders validated
// values; names from the input are decoded with escapes, never trusted as text).
#include <sys/stat.h>

#include <cerrno>
#include <string>

#include "binding.h"

namespace npyguard::python {
namespace {

// The classes, looked up once at import (npyguard._error holds them, importable by pickle).
struct ErrorTypes {
  py::object error;
  py::object os_error;
};

ErrorTypes& error_types() {
  // Filled once by init_errors() while the module is imported, with the GIL held; read only
  // after that. Leaked on purpose: Python objects must not be released after the interpreter
  // has finalized, which a static destructor would do.
  static ErrorTypes* types = new ErrorTypes();  // NOLINT: see above
  return *types;
}

py::object optional_number(std::optional<uint64_t> value) {
  return value ? py::object(py::int_(*value)) : py::object(py::none());
}

bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

void set_attributes(py::object& exception, const ErrorReport& report) {
  exception.attr("code") = py::str(std::string(error_name(report.code)));
  exception.attr("number") = py::int_(static_cast<unsigned>(report.code));
  exception.attr("category") = py::str(std::string(category_name(error_category(report.code))));
  exception.attr("message") = py::str(std::string(error_message(report.code)));
  exception.attr("detail") = py::str(report.detail);
  exception.attr("offset") =
      error_has_offset(report.code) ? py::object(py::int_(report.offset)) : py::object(py::none());
  exception.attr("member") =
      report.member_name ? py::object(member_text(*report.member_name)) : py::object(py::none());
  exception.attr("member_index") =
      report.member != kNoMember ? py::object(py::int_(report.member)) : py::object(py::none());
  exception.attr("found") = optional_number(report.facts.found);
  exception.attr("expected") = optional_number(report.facts.expected);
  exception.attr("limit") = optional_number(report.facts.limit);
}

}  // namespace

py::str path_text(const std::string& path) {
  PyObject* decoded =
      PyUnicode_DecodeFSDefaultAndSize(path.data(), static_cast<Py_ssize_t>(path.size()));
  if (decoded == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(decoded);
}

py::str member_text(const std::string& name) {
  PyObject* decoded =
      PyUnicode_DecodeUTF8(name.data(), static_cast<Py_ssize_t>(name.size()), "surrogateescape");
  if (decoded == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(decoded);
}

void bind_errors(py::module_& module) {
  py::module_ errors = py::module_::import("npyguard._error");
  error_types().error = errors.attr("Error");
  error_types().os_error = py::module_::import("builtins").attr("OSError");
  module.attr("Error") = error_types().error;
  module.def(
      "error_codes",
      [] {
        py::list out;
        for (ErrorCode code : all_error_codes()) {
          out.append(py::make_tuple(static_cast<unsigned>(code), std::string(error_name(code)),
                                    std::string(category_name(error_category(code))),
                                    std::string(error_message(code))));
        }
        return out;
      },
      "(number, name, category, message) of every error code, in numeric order.");
}

Error binding_error(ErrorCode code, const char* detail) {
  return Error{.code = code, .detail = detail};
}

ErrorReport report_error(const Error& error, const ErrorContext& context) {
  ErrorReport report{.code = error.code,
                     .offset = error.offset,
                     .member = error.member,
                     .detail = render_detail(error),
                     .facts = error_facts(error),
                     .os_errno = error.os_errno,
                     .member_name = context.member,
                     .filename = context.filename};
  if (context.member) {
    // "... (member 'x.npy', offset 20)", the name quoted and escaped as Python's repr does.
    report.description =
        describe(error, "member " + py::cast<std::string>(py::repr(member_text(*context.member))));
  } else if (error.member != kNoMember) {
    report.description = describe(error, "member #" + std::to_string(error.member));
  } else {
    report.description = describe(error);
  }
  return report;
}

py::object make_exception(const ErrorReport& report) {
  py::object filename =
      report.filename ? py::object(path_text(*report.filename)) : py::object(py::none());
  py::object exception;
  if (error_category(report.code) == ErrorCategory::Io) {
    int number = report.os_errno;
    if (number == 0 && report.code == ErrorCode::IoNotRegularFile && report.filename &&
        is_directory(*report.filename)) {
      number = EISDIR;
    }
    // OSError(errno, strerror, filename) becomes the errno's subclass (FileNotFoundError, ...).
    if (number != 0) {
      exception = error_types().os_error(number, report.description, filename);
    } else {
      exception = error_types().os_error(report.description);
      exception.attr("filename") = filename;
    }
  } else {
    exception = error_types().error(report.description);
    exception.attr("filename") = filename;
  }
  set_attributes(exception, report);
  return exception;
}

void raise_report(const ErrorReport& report) {
  py::object exception = make_exception(report);
  PyErr_SetObject(exception.get_type().ptr(), exception.ptr());
  throw py::error_already_set();
}

void raise_error(const Error& error, const ErrorContext& context) {
  raise_report(report_error(error, context));
}

}  // namespace npyguard::python
