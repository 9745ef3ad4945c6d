// StatementCache: parsed statements by SQL text, so that a statement an application runs again
// and again (a parameterised point read, a single-row INSERT) is lexed and parsed once.
//
// What is cached, and why only that: the AST (parser/statement.h) is a pure function of the SQL
// text and the ParserOptions, which are fixed per Engine — it names tables and columns but does
// not resolve them, so it stays valid across DDL, tenants, parameter values and time travel, and
// no invalidation is needed. Plans are not cached: a plan holds TableViews of the read view it was
// planned against (they borrow the tenant's projections under that view's lock) and embeds the
// statement's evaluated constants — parameter values in access-path keys, time-travel positions
// resolved from AS OF expressions, the catalog's column slots at that position — so a plan is
// only valid for one execution. Parsing was about 40% of a parameterised point read; for the
// commonest statement, a primary-key point read, binding and planning are skipped as well
// (point_read.h), so a repeated point read costs a cache hit and one key lookup.
//
// Bounds: at most `entries_max` statements holding at most `total_text_max_bytes` of SQL text
// (an AST's size grows with its text), least recently used evicted first; and only statements of
// at most `text_max_bytes` (a 1000-row INSERT with literals never repeats, and its AST is large).
// Entries are shared, immutable and reference-counted, so an eviction never invalidates a
// statement a caller is still executing.
//
// Thread-safety: thread-safe; one mutex guards the map and the recency list (held for a hash
// lookup and a list splice, never while parsing).
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "sql/parser/statement.h"

namespace kmb::sql {

struct StatementCacheStats {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;  // lookups of cacheable text that found nothing
  std::uint64_t evictions = 0;
  std::uint64_t entries = 0;
  std::uint64_t text_bytes = 0;  // SQL text held by the entries
};

class StatementCache {
 public:
  // entries_max == 0 disables the cache (find() always misses, insert() keeps nothing).
  // REQUIRES: text_max_bytes <= total_text_max_bytes.
  StatementCache(std::uint64_t entries_max, std::uint64_t text_max_bytes, std::uint64_t total_text_max_bytes);

  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  // True when statements of this text may be cached at all.
  bool cacheable(std::string_view sql) const { return entries_max_ > 0 && sql.size() <= text_max_bytes_; }

  // The statement parsed from exactly this text, or null; a hit makes it the most recent entry.
  std::shared_ptr<const Statement> find(std::string_view sql);

  // Remembers `statement` as the parse of `sql`, evicting the least recently used entry when full.
  // Ignored when !cacheable(sql). If another thread inserted the same text meanwhile, its entry stays.
  // REQUIRES: statement is not null.
  void insert(std::string_view sql, std::shared_ptr<const Statement> statement);

  StatementCacheStats stats() const;

 private:
  struct Entry {
    std::string sql;
    std::shared_ptr<const Statement> statement;
  };
  using Recency = std::list<Entry>;  // most recently used first

  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>()(text); }
  };
  struct TextEqual {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const { return a == b; }
  };

  const std::uint64_t entries_max_;
  const std::uint64_t text_max_bytes_;
  const std::uint64_t total_text_max_bytes_;

  mutable std::mutex mutex_;
  Recency recency_;
  // Keys view the text owned by the Entry they point to (list nodes never move).
  std::unordered_map<std::string_view, Recency::iterator, TextHash, TextEqual> by_text_;
  StatementCacheStats stats_;
};

}  // namespace kmb::sql
