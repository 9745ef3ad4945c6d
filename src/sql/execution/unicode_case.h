// Unicode simple case mapping of UTF-8 text, for UPPER and LOWER.
//
// The mapping is Unicode's *simple* one (UnicodeData.txt: one code point to one code point, no
// context), as PostgreSQL's upper()/lower() apply it per character: 'ß' stays 'ß' under UPPER,
// 'Σ' lowers to 'σ' (never the final form 'ς'). It covers Basic Latin, Latin-1 Supplement, Latin
// Extended-A, Greek and Coptic (U+0370-U+03FF), Cyrillic and Cyrillic Supplement (U+0400-U+052F);
// other code points are left as they are. The tables are ranges, so the lookup is a short scan and
// ASCII never reaches it. Bytes that are not well-formed UTF-8 are copied unchanged.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace kmb::sql {

char32_t simple_upper(char32_t code_point);
char32_t simple_lower(char32_t code_point);

std::string utf8_upper(std::string_view text);
std::string utf8_lower(std::string_view text);

}  // namespace kmb::sql
