#include <iostream>

#include "cli/commands.h"

namespace kmb::cli {

int report_error(const Status& status) {
  std::cerr << "kimberlite: " << status.to_string() << '\n';
  return status.code() == StatusCode::invalid_argument ? exit_usage : exit_error;
}

}  // namespace kmb::cli
