// SPDX-License-Identifier: Apache-2.0
// Result<T>: a value or an Error, our stand-in for std::expected (absent from libstdc++ 12 under
// clang 14). No default constructor, so a Result is always deliberately one or the other; reading
// the value of an error result is a programming bug and aborts rather than returning garbage.
#pragma once

#include <cstdlib>
#include <type_traits>
#include <utility>
#include <variant>

#include "npyguard/error.h"

namespace npyguard {

template <class T>
class [[nodiscard]] Result {
 public:
  Result(const T& value) : state_(std::in_place_index<0>, value) {}  // NOLINT: implicit by design
  Result(T&& value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
  Result(const Error& error) : state_(std::in_place_index<1>, error) {}    // NOLINT

  bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  const T& value() const& {
    if (!ok()) std::abort();
    return *std::get_if<0>(&state_);
  }
  T& value() & {
    if (!ok()) std::abort();
    return *std::get_if<0>(&state_);
  }
  T&& value() && {
    if (!ok()) std::abort();
    return std::move(*std::get_if<0>(&state_));
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  const Error& error() const {
    if (ok()) std::abort();
    return *std::get_if<1>(&state_);
  }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  // The success value of a Status.
  static Result success() { return Result(); }
  Result(const Error& error) : error_(error), ok_(false) {}  // NOLINT: implicit by design

  bool ok() const noexcept { return ok_; }
  explicit operator bool() const noexcept { return ok_; }
  const Error& error() const {
    if (ok_) std::abort();
    return error_;
  }

 private:
  Result() : error_{ErrorCode::Internal}, ok_(true) {}
  Error error_;
  bool ok_;
};

using Status = Result<void>;

inline Status ok_status() { return Status::success(); }

}  // namespace npyguard

// Propagation helpers: the only macros allowed in parse code. `lhs` is a declaration or an
// lvalue and `tmp` a name, neither of which can be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define NPYGUARD_CONCAT_INNER_(a, b) a##b
#define NPYGUARD_CONCAT_(a, b) NPYGUARD_CONCAT_INNER_(a, b)

#define NPYGUARD_TRY(expr)                                               \
  do {                                                                   \
    auto npyguard_try_status_ = (expr);                                  \
    if (!npyguard_try_status_.ok()) return npyguard_try_status_.error(); \
  } while (false)

#define NPYGUARD_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                    \
  if (!tmp.ok()) return tmp.error();                    \
  lhs = std::move(tmp).value()

#define NPYGUARD_ASSIGN_OR_RETURN(lhs, expr) \
  NPYGUARD_ASSIGN_OR_RETURN_IMPL_(NPYGUARD_CONCAT_(npyguard_result_, __LINE__), lhs, expr)
// NOLINTEND(bugprone-macro-parentheses)
