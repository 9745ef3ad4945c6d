#include "sql/statement_cache.h"

#include "base/assert.h"

namespace kmb::sql {

StatementCache::StatementCache(std::uint64_t entries_max, std::uint64_t text_max_bytes,
                               std::uint64_t total_text_max_bytes)
    : entries_max_(entries_max), text_max_bytes_(text_max_bytes), total_text_max_bytes_(total_text_max_bytes) {
  KMB_ASSERT(text_max_bytes <= total_text_max_bytes);
}

std::shared_ptr<const Statement> StatementCache::find(std::string_view sql) {
  if (!cacheable(sql)) return nullptr;
  std::lock_guard<std::mutex> lock(mutex_);
  const auto found = by_text_.find(sql);
  if (found == by_text_.end()) {
    stats_.misses++;
    return nullptr;
  }
  stats_.hits++;
  recency_.splice(recency_.begin(), recency_, found->second);
  return found->second->statement;
}

void StatementCache::insert(std::string_view sql, std::shared_ptr<const Statement> statement) {
  KMB_ASSERT(statement != nullptr);
  if (!cacheable(sql)) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (by_text_.contains(sql)) return;
  while (recency_.size() >= entries_max_ || stats_.text_bytes + sql.size() > total_text_max_bytes_) {
    KMB_ASSERT(!recency_.empty());
    const std::size_t erased = by_text_.erase(std::string_view(recency_.back().sql));
    KMB_ASSERT(erased == 1);
    KMB_ASSERT(stats_.text_bytes >= recency_.back().sql.size());
    stats_.text_bytes -= recency_.back().sql.size();
    recency_.pop_back();
    stats_.evictions++;
  }
  recency_.push_front(Entry{std::string(sql), std::move(statement)});
  by_text_.emplace(std::string_view(recency_.front().sql), recency_.begin());
  stats_.text_bytes += sql.size();
  KMB_ASSERT(by_text_.size() == recency_.size());
  KMB_ASSERT(recency_.size() <= entries_max_);
  KMB_ASSERT(stats_.text_bytes <= total_text_max_bytes_);
}

StatementCacheStats StatementCache::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  StatementCacheStats result = stats_;
  result.entries = recency_.size();
  return result;
}

}  // namespace kmb::sql
