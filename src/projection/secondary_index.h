// SecondaryIndex: one index of one table, over all of its history. An entry's map key is the
// encoded index key (the index's columns, kernel::encode_index_key) followed by the row's encoded
// primary key, so entries sort by index key, then primary key, and one (value, row) pair is one
// entry. An entry holds the position intervals [from, to) during which the row had that value;
// an AS OF p scan takes the entries with an interval containing p. A row whose indexed value
// changes closes one entry's interval and opens another's; other updates leave the index alone.
//
// Thread-safety: none (owned by a TableData).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "projection/read_view.h"

namespace kmb::projection {

struct IndexInterval {
  Position from = 0;
  Position to = kernel::position_max;  // exclusive
};

struct IndexEntry {
  std::uint32_t index_key_size = 0;      // bytes of the map key that are the index key
  std::vector<IndexInterval> intervals;  // ascending, disjoint, non-empty

  bool contains(Position p) const;
  bool open() const { return !intervals.empty() && intervals.back().to == kernel::position_max; }
};

class SecondaryIndex {
 public:
  using Entries = std::map<std::string, IndexEntry, std::less<>>;

  // The row `primary_key` has index key `index_key` from `from` on.
  void open(std::string_view index_key, std::string_view primary_key, Position from);
  // It stops having it at `at`. REQUIRES: the entry is open.
  void close(std::string_view index_key, std::string_view primary_key, Position at);
  // Adds a closed or open interval at the end of an entry (snapshot rebuild). Merges with the last
  // interval when they touch.
  void add_interval(std::string_view index_key, std::string_view primary_key, IndexInterval interval);

  // The primary key of an open entry whose index key is exactly `index_key`, or nullopt.
  std::optional<std::string> find_open(std::string_view index_key) const;

  const Entries& entries() const { return entries_; }

 private:
  Entries entries_;
};

}  // namespace kmb::projection
