#include "sql/execution/like.h"

#include <string>
#include <vector>

namespace kmb::sql {

namespace {

// One element of a compiled pattern: a literal code point, '_' (any one) or '%' (any run).
struct PatternItem {
  enum class Kind { literal, any_one, any_run } kind;
  std::string_view literal;
};

std::size_t code_point_length(std::string_view text, std::size_t at) {
  const auto lead = static_cast<unsigned char>(text[at]);
  std::size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 1;
  return std::min(length, text.size() - at);
}

char fold(char c, bool case_insensitive) {
  if (case_insensitive && c >= 'A' && c <= 'Z') return static_cast<char>(c - 'A' + 'a');
  return c;
}

bool literal_equal(std::string_view a, std::string_view b, bool case_insensitive) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); i++) {
    if (fold(a[i], case_insensitive) != fold(b[i], case_insensitive)) return false;
  }
  return true;
}

Result<std::vector<PatternItem>> compile(std::string_view pattern, std::string_view escape) {
  std::vector<PatternItem> items;
  std::size_t at = 0;
  while (at < pattern.size()) {
    std::size_t length = code_point_length(pattern, at);
    std::string_view item = pattern.substr(at, length);
    if (!escape.empty() && item == escape) {
      at += length;
      if (at >= pattern.size()) return invalid_argument("LIKE pattern must not end with escape character");
      length = code_point_length(pattern, at);
      items.push_back({PatternItem::Kind::literal, pattern.substr(at, length)});
    } else if (item == "%") {
      if (items.empty() || items.back().kind != PatternItem::Kind::any_run) items.push_back({PatternItem::Kind::any_run, {}});
    } else if (item == "_") {
      items.push_back({PatternItem::Kind::any_one, {}});
    } else {
      items.push_back({PatternItem::Kind::literal, item});
    }
    at += length;
  }
  return items;
}

}  // namespace

Result<bool> like_match(std::string_view text, std::string_view pattern, std::optional<std::string_view> escape,
                        bool case_insensitive) {
  const std::string_view escape_text = escape.value_or("\\");
  if (escape && !escape->empty() && code_point_length(*escape, 0) != escape->size()) {
    return invalid_argument("invalid escape string: it must be one character");
  }
  KMB_ASSIGN_OR_RETURN(std::vector<PatternItem> items, compile(pattern, escape_text));
  std::size_t t = 0;  // text offset
  std::size_t p = 0;  // pattern item
  std::optional<std::size_t> star_item;
  std::size_t star_text = 0;
  while (t < text.size()) {
    const std::size_t length = code_point_length(text, t);
    if (p < items.size() && items[p].kind == PatternItem::Kind::any_run) {
      star_item = p++;
      star_text = t;
    } else if (p < items.size() && (items[p].kind == PatternItem::Kind::any_one ||
                                    literal_equal(items[p].literal, text.substr(t, length), case_insensitive))) {
      p++;
      t += length;
    } else if (star_item) {
      p = *star_item + 1;
      star_text += code_point_length(text, star_text);
      t = star_text;
    } else {
      return false;
    }
  }
  while (p < items.size() && items[p].kind == PatternItem::Kind::any_run) p++;
  return p == items.size();
}

}  // namespace kmb::sql
