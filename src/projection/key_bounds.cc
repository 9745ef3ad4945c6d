#include "projection/key_bounds.h"

namespace kmb::projection {

namespace {

// Compares the first bound.size() bytes of `key` with `bound` (memcmp order): <0, 0, >0.
int compare_prefix(std::string_view key, ByteSpan bound) {
  const std::string_view bound_text = as_string_view(bound);
  return key.substr(0, bound_text.size()).compare(bound_text);
}

}  // namespace

std::optional<std::string> lower_start(const std::optional<KeyBound>& lower) {
  if (!lower.has_value()) return std::string();
  std::string start(as_string_view(lower->key));
  if (lower->inclusive) return start;
  // The smallest string greater than every string that starts with `start`.
  while (!start.empty() && static_cast<unsigned char>(start.back()) == 0xff) start.pop_back();
  if (start.empty()) return std::nullopt;
  start.back() = static_cast<char>(static_cast<unsigned char>(start.back()) + 1);
  return start;
}

bool within_upper(std::string_view key, const std::optional<KeyBound>& upper) {
  if (!upper.has_value()) return true;
  const int order = compare_prefix(key, upper->key);
  return upper->inclusive ? order <= 0 : order < 0;
}

bool within_lower(std::string_view key, const std::optional<KeyBound>& lower) {
  if (!lower.has_value()) return true;
  const int order = compare_prefix(key, lower->key);
  return lower->inclusive ? order >= 0 : order > 0;
}

}  // namespace kmb::projection
