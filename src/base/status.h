// Status and Result<T>: how expected errors travel in Kimberlite.
//
// Expected failures (bad input, I/O errors, corruption, limits) are values, never exceptions and
// never assertions. A Status is either ok or carries a code and a message meant for a human.
// Result<T> holds either a T or a non-ok Status. Both are [[nodiscard]]: ignoring one is a bug.
//
// Thread-safety: value types; safe to copy between threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "base/assert.h"

namespace kmb {

enum class StatusCode : std::uint8_t {
  ok = 0,
  invalid_argument,     // The caller passed something malformed or out of range.
  not_found,            // A named thing (file, offset, table) does not exist.
  already_exists,       // Creating something that is already there.
  corruption,           // Stored bytes fail a checksum, a chain hash or a structural check.
  io_error,             // The operating system reported EIO or similar.
  no_space,             // ENOSPC or a quota: nothing was written past the error.
  unsupported,          // A newer format version or a feature this build does not have.
  failed_precondition,  // The object is in the wrong state for the call (e.g. closed, poisoned).
  resource_exhausted,   // A configured limit (size, count, memory) was exceeded.
  aborted,              // The operation was cancelled or lost a race; retrying may succeed.
  internal,             // Should not happen; reported instead of crashing where safe.
};

std::string_view status_code_name(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok_status() { return Status(); }

  bool ok() const { return code_ == StatusCode::ok; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "corruption: segment 00000000000000000000.kmb offset 17: record CRC mismatch"
  std::string to_string() const;

  // Returns a copy whose message is prefixed with `context: `.
  Status with_context(std::string_view context) const;

 private:
  StatusCode code_ = StatusCode::ok;
  std::string message_;
};

inline Status invalid_argument(std::string message) {
  return Status(StatusCode::invalid_argument, std::move(message));
}
inline Status not_found(std::string message) {
  return Status(StatusCode::not_found, std::move(message));
}
inline Status already_exists(std::string message) {
  return Status(StatusCode::already_exists, std::move(message));
}
inline Status corruption(std::string message) {
  return Status(StatusCode::corruption, std::move(message));
}
inline Status io_error(std::string message) {
  return Status(StatusCode::io_error, std::move(message));
}
inline Status no_space(std::string message) {
  return Status(StatusCode::no_space, std::move(message));
}
inline Status unsupported(std::string message) {
  return Status(StatusCode::unsupported, std::move(message));
}
inline Status failed_precondition(std::string message) {
  return Status(StatusCode::failed_precondition, std::move(message));
}
inline Status resource_exhausted(std::string message) {
  return Status(StatusCode::resource_exhausted, std::move(message));
}
inline Status aborted(std::string message) {
  return Status(StatusCode::aborted, std::move(message));
}
inline Status internal_error(std::string message) {
  return Status(StatusCode::internal, std::move(message));
}

// Either a value or a non-ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : state_(std::in_place_index<1>, std::move(status)) {  // NOLINT
    KMB_ASSERT(!std::get<1>(state_).ok());
  }

  bool ok() const { return state_.index() == 0; }

  const Status& status() const {
    static const Status ok_value;
    return ok() ? ok_value : std::get<1>(state_);
  }

  T& value() & {
    KMB_ASSERT(ok());
    return std::get<0>(state_);
  }
  const T& value() const& {
    KMB_ASSERT(ok());
    return std::get<0>(state_);
  }
  T&& value() && {
    KMB_ASSERT(ok());
    return std::get<0>(std::move(state_));
  }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace kmb

#define KMB_CONCAT_INNER(a, b) a##b
#define KMB_CONCAT(a, b) KMB_CONCAT_INNER(a, b)

// Evaluates an expression yielding Status; returns it from the enclosing function if not ok.
#define KMB_TRY(expression)                           \
  do {                                                \
    ::kmb::Status kmb_try_status_ = (expression);     \
    if (!kmb_try_status_.ok()) return kmb_try_status_; \
  } while (false)

#define KMB_ASSIGN_OR_RETURN_IMPL(temporary, lhs, expression) \
  auto temporary = (expression);                               \
  if (!temporary.ok()) return temporary.status();              \
  lhs = std::move(temporary).value()

// `KMB_ASSIGN_OR_RETURN(auto file, storage.open(path));`
#define KMB_ASSIGN_OR_RETURN(lhs, expression) \
  KMB_ASSIGN_OR_RETURN_IMPL(KMB_CONCAT(kmb_result_, __LINE__), lhs, expression)
