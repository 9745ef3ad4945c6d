#include "projection/secondary_index.h"

#include <algorithm>

namespace kmb::projection {

namespace {

std::string entry_key(std::string_view index_key, std::string_view primary_key) {
  std::string key;
  key.reserve(index_key.size() + primary_key.size());
  key.append(index_key);
  key.append(primary_key);
  return key;
}

}  // namespace

bool IndexEntry::contains(Position p) const {
  // Most entries have one interval; the newest is the likeliest match.
  for (auto it = intervals.rbegin(); it != intervals.rend(); ++it) {
    if (it->from <= p) return p < it->to;
  }
  return false;
}

void SecondaryIndex::open(std::string_view index_key, std::string_view primary_key, Position from) {
  add_interval(index_key, primary_key, IndexInterval{from, kernel::position_max});
}

void SecondaryIndex::add_interval(std::string_view index_key, std::string_view primary_key, IndexInterval interval) {
  KMB_ASSERT(interval.from < interval.to);
  auto [it, inserted] = entries_.try_emplace(entry_key(index_key, primary_key));
  IndexEntry& entry = it->second;
  if (inserted) entry.index_key_size = static_cast<std::uint32_t>(index_key.size());
  KMB_ASSERT(entry.index_key_size == index_key.size());
  if (!entry.intervals.empty()) {
    IndexInterval& last = entry.intervals.back();
    KMB_ASSERT(last.to <= interval.from);
    if (last.to == interval.from) {
      last.to = interval.to;
      return;
    }
  }
  entry.intervals.push_back(interval);
}

void SecondaryIndex::close(std::string_view index_key, std::string_view primary_key, Position at) {
  auto it = entries_.find(entry_key(index_key, primary_key));
  KMB_ASSERT(it != entries_.end());
  IndexEntry& entry = it->second;
  KMB_ASSERT(entry.open());
  IndexInterval& last = entry.intervals.back();
  KMB_ASSERT(last.from <= at);
  if (last.from < at) {
    last.to = at;
    return;
  }
  // Opened and closed at the same position: the interval is empty.
  entry.intervals.pop_back();
  if (entry.intervals.empty()) entries_.erase(it);
}

std::optional<std::string> SecondaryIndex::find_open(std::string_view index_key) const {
  for (auto it = entries_.lower_bound(index_key); it != entries_.end(); ++it) {
    const std::string_view key = it->first;
    if (key.substr(0, index_key.size()) != index_key) break;
    if (it->second.index_key_size != index_key.size() || !it->second.open()) continue;
    return std::string(key.substr(index_key.size()));
  }
  return std::nullopt;
}

}  // namespace kmb::projection
