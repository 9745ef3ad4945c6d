#include "base/status.h"

namespace kmb {

std::string_view status_code_name(StatusCode code) {
  switch (code) {
    case StatusCode::ok: return "ok";
    case StatusCode::invalid_argument: return "invalid argument";
    case StatusCode::not_found: return "not found";
    case StatusCode::already_exists: return "already exists";
    case StatusCode::corruption: return "corruption";
    case StatusCode::io_error: return "I/O error";
    case StatusCode::no_space: return "no space";
    case StatusCode::unsupported: return "unsupported";
    case StatusCode::failed_precondition: return "failed precondition";
    case StatusCode::resource_exhausted: return "resource exhausted";
    case StatusCode::aborted: return "aborted";
    case StatusCode::internal: return "internal error";
  }
  return "unknown";
}

std::string Status::to_string() const {
  if (ok()) return "ok";
  std::string text(status_code_name(code_));
  text += ": ";
  text += message_;
  return text;
}

Status Status::with_context(std::string_view context) const {
  if (ok()) return *this;
  std::string message(context);
  message += ": ";
  message += message_;
  return Status(code_, std::move(message));
}

}  // namespace kmb
