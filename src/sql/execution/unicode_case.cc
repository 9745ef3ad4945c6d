#include "sql/execution/unicode_case.h"

#include <cstdint>
#include <span>

namespace kmb::sql {

namespace {

// Code points first..last map to code point + delta. With step 2 only first, first + 2, ... map
// (the alternating upper/lower pairs of Latin Extended-A, Greek archaic letters and Cyrillic).
struct CaseRange {
  char32_t first;
  char32_t last;
  std::int32_t delta;
  std::uint8_t step;
};

// Upper -> lower, from UnicodeData.txt's simple lowercase mappings, in code point order.
// clang-format off
constexpr CaseRange lower_ranges[] = {
    {0x0041, 0x005A, 32, 1},    // A-Z
    {0x00C0, 0x00D6, 32, 1},    // À-Ö
    {0x00D8, 0x00DE, 32, 1},    // Ø-Þ
    {0x0100, 0x012E, 1, 2},     // Ā-Į pairs
    {0x0130, 0x0130, -199, 1},  // İ -> i
    {0x0132, 0x0136, 1, 2},     // Ĳ-Ķ pairs
    {0x0139, 0x0147, 1, 2},     // Ĺ-Ň pairs
    {0x014A, 0x0176, 1, 2},     // Ŋ-Ŷ pairs
    {0x0178, 0x0178, -121, 1},  // Ÿ -> ÿ
    {0x0179, 0x017D, 1, 2},     // Ź-Ž pairs
    {0x0370, 0x0372, 1, 2},     // Ͱ, Ͳ
    {0x0376, 0x0376, 1, 1},     // Ͷ
    {0x037F, 0x037F, 116, 1},   // Ϳ -> ϳ
    {0x0386, 0x0386, 38, 1},    // Ά
    {0x0388, 0x038A, 37, 1},    // Έ-Ί
    {0x038C, 0x038C, 64, 1},    // Ό
    {0x038E, 0x038F, 63, 1},    // Ύ, Ώ
    {0x0391, 0x03A1, 32, 1},    // Α-Ρ
    {0x03A3, 0x03AB, 32, 1},    // Σ-Ϋ
    {0x03CF, 0x03CF, 8, 1},     // Ϗ -> ϗ
    {0x03D8, 0x03EE, 1, 2},     // Ϙ-Ϯ pairs
    {0x03F4, 0x03F4, -60, 1},   // ϴ -> θ
    {0x03F7, 0x03F7, 1, 1},     // Ϸ
    {0x03F9, 0x03F9, -7, 1},    // Ϲ -> ϲ
    {0x03FA, 0x03FA, 1, 1},     // Ϻ
    {0x03FD, 0x03FF, -130, 1},  // Ͻ-Ͽ -> ͻ-ͽ
    {0x0400, 0x040F, 80, 1},    // Ѐ-Џ
    {0x0410, 0x042F, 32, 1},    // А-Я
    {0x0460, 0x0480, 1, 2},     // Ѡ-Ҁ pairs
    {0x048A, 0x04BE, 1, 2},     // Ҋ-Ҿ pairs
    {0x04C0, 0x04C0, 15, 1},    // Ӏ -> ӏ
    {0x04C1, 0x04CD, 1, 2},     // Ӂ-Ӎ pairs
    {0x04D0, 0x04FE, 1, 2},     // Ӑ-Ӿ pairs
    {0x0500, 0x052E, 1, 2},     // Cyrillic Supplement pairs
};

// Lower -> upper, from UnicodeData.txt's simple uppercase mappings, in code point order.
constexpr CaseRange upper_ranges[] = {
    {0x0061, 0x007A, -32, 1},   // a-z
    {0x00B5, 0x00B5, 743, 1},   // µ -> Μ
    {0x00E0, 0x00F6, -32, 1},   // à-ö
    {0x00F8, 0x00FE, -32, 1},   // ø-þ
    {0x00FF, 0x00FF, 121, 1},   // ÿ -> Ÿ
    {0x0101, 0x012F, -1, 2},    // ā-į pairs
    {0x0131, 0x0131, -232, 1},  // ı -> I
    {0x0133, 0x0137, -1, 2},    // ĳ-ķ pairs
    {0x013A, 0x0148, -1, 2},    // ĺ-ň pairs
    {0x014B, 0x0177, -1, 2},    // ŋ-ŷ pairs
    {0x017A, 0x017E, -1, 2},    // ź-ž pairs
    {0x017F, 0x017F, -300, 1},  // ſ -> S
    {0x0371, 0x0373, -1, 2},    // ͱ, ͳ
    {0x0377, 0x0377, -1, 1},    // ͷ
    {0x037B, 0x037D, 130, 1},   // ͻ-ͽ -> Ͻ-Ͽ
    {0x03AC, 0x03AC, -38, 1},   // ά
    {0x03AD, 0x03AF, -37, 1},   // έ-ί
    {0x03B1, 0x03C1, -32, 1},   // α-ρ
    {0x03C2, 0x03C2, -31, 1},   // ς -> Σ
    {0x03C3, 0x03CB, -32, 1},   // σ-ϋ
    {0x03CC, 0x03CC, -64, 1},   // ό
    {0x03CD, 0x03CE, -63, 1},   // ύ, ώ
    {0x03D0, 0x03D0, -62, 1},   // ϐ -> Β
    {0x03D1, 0x03D1, -57, 1},   // ϑ -> Θ
    {0x03D5, 0x03D5, -47, 1},   // ϕ -> Φ
    {0x03D6, 0x03D6, -54, 1},   // ϖ -> Π
    {0x03D7, 0x03D7, -8, 1},    // ϗ -> Ϗ
    {0x03D9, 0x03EF, -1, 2},    // ϙ-ϯ pairs
    {0x03F0, 0x03F0, -86, 1},   // ϰ -> Κ
    {0x03F1, 0x03F1, -80, 1},   // ϱ -> Ρ
    {0x03F2, 0x03F2, 7, 1},     // ϲ -> Ϲ
    {0x03F3, 0x03F3, -116, 1},  // ϳ -> Ϳ
    {0x03F5, 0x03F5, -96, 1},   // ϵ -> Ε
    {0x03F8, 0x03F8, -1, 1},    // ϸ
    {0x03FB, 0x03FB, -1, 1},    // ϻ
    {0x0430, 0x044F, -32, 1},   // а-я
    {0x0450, 0x045F, -80, 1},   // ѐ-џ
    {0x0461, 0x0481, -1, 2},    // ѡ-ҁ pairs
    {0x048B, 0x04BF, -1, 2},    // ҋ-ҿ pairs
    {0x04C2, 0x04CE, -1, 2},    // ӂ-ӎ pairs
    {0x04CF, 0x04CF, -15, 1},   // ӏ -> Ӏ
    {0x04D1, 0x04FF, -1, 2},    // ӑ-ӿ pairs
    {0x0501, 0x052F, -1, 2},    // Cyrillic Supplement pairs
};
// clang-format on

char32_t map_code_point(std::span<const CaseRange> ranges, char32_t code_point) {
  for (const CaseRange& range : ranges) {
    if (code_point < range.first) break;  // sorted: no later range can hold it
    if (code_point > range.last) continue;
    if ((code_point - range.first) % range.step != 0) return code_point;
    return static_cast<char32_t>(static_cast<std::int32_t>(code_point) + range.delta);
  }
  return code_point;
}

// Decodes one well-formed UTF-8 sequence at text[at], or returns 0 bytes consumed.
std::size_t decode(std::string_view text, std::size_t at, char32_t& code_point) {
  const auto lead = static_cast<unsigned char>(text[at]);
  std::size_t length = 0;
  if (lead < 0x80) {
    code_point = lead;
    return 1;
  }
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    code_point = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    code_point = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    code_point = lead & 0x07;
  } else {
    return 0;
  }
  if (at + length > text.size()) return 0;
  for (std::size_t i = 1; i < length; i++) {
    const auto continuation = static_cast<unsigned char>(text[at + i]);
    if ((continuation & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (continuation & 0x3F);
  }
  static constexpr char32_t shortest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code_point < shortest[length] || code_point > 0x10FFFF) return 0;  // overlong or out of range
  return length;
}

void encode(char32_t code_point, std::string& out) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

std::string map_text(std::string_view text, char32_t (*map)(char32_t)) {
  std::string out;
  out.reserve(text.size());
  std::size_t at = 0;
  while (at < text.size()) {
    char32_t code_point = 0;
    const std::size_t length = decode(text, at, code_point);
    if (length == 0) {  // not UTF-8: keep the byte
      out.push_back(text[at++]);
      continue;
    }
    encode(map(code_point), out);
    at += length;
  }
  return out;
}

}  // namespace

char32_t simple_upper(char32_t code_point) {
  return map_code_point(upper_ranges, code_point);
}
char32_t simple_lower(char32_t code_point) {
  return map_code_point(lower_ranges, code_point);
}

std::string utf8_upper(std::string_view text) {
  return map_text(text, simple_upper);
}
std::string utf8_lower(std::string_view text) {
  return map_text(text, simple_lower);
}

}  // namespace kmb::sql
