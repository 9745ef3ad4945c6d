// Timeline: what the projections know about every log record — its position and commit timestamp
// (the timestamp index, over records of every kind) — and, for command records, the change that
// created row versions: actor, reason, operation, tables, statement (the audit trail). Row versions
// point at their change by index, and every string is interned: repeated ones (actors, operations,
// table names, parameterised statements) are stored once per tenant.
//
// Thread-safety: none (owned by the Store).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/status.h"
#include "kernel/codec.h"
#include "projection/read_view.h"

namespace kmb::projection {

class Timeline {
 public:
  using ChangeId = std::uint32_t;

  struct Change {
    Position position = 0;
    std::uint64_t timestamp_ns = 0;
    std::uint64_t client_id = 0;
    std::uint32_t actor = 0;  // interned text ids
    std::uint32_t reason = 0;
    std::uint32_t operation = 0;
    std::uint32_t table = 0;
    std::uint32_t statement = 0;  // interned too: parameterised statements repeat
    std::uint64_t row_count = 0;
  };

  Timeline();
  // Movable, not copyable: text_ids_ points into texts_.
  Timeline(const Timeline&) = delete;
  Timeline& operator=(const Timeline&) = delete;
  Timeline(Timeline&&) = default;
  Timeline& operator=(Timeline&&) = default;

  // REQUIRES: position greater than every noted position; timestamp not smaller than the last.
  void note_record(Position position, std::uint64_t timestamp_ns);
  // Notes the record and adds its audit entry; returns the change id row versions refer to.
  ChangeId add_change(Position position, std::uint64_t timestamp_ns, std::uint64_t client_id, std::string_view actor,
                      std::string_view reason, std::string_view operation, std::string_view table,
                      std::string_view statement, std::uint64_t row_count);

  const Change& change(ChangeId id) const { return changes_[id]; }
  std::size_t change_count() const { return changes_.size(); }
  std::string_view text(std::uint32_t id) const { return texts_[id]; }

  std::optional<Position> first_position() const;
  std::optional<Position> last_position() const;
  std::size_t record_count() const { return records_.size(); }

  // The newest position <= limit whose timestamp is <= timestamp_ns. invalid_argument when none.
  Result<Position> position_at_timestamp(std::uint64_t timestamp_ns, Position limit) const;
  // The commit timestamp of the record at `position`, or nullopt if no record was noted there.
  std::optional<std::uint64_t> timestamp_at(Position position) const;
  // Audit entries with from <= position <= to, oldest first, until visit returns false.
  void scan_audit(Position from, Position to, const std::function<bool(const AuditEntry&)>& visit) const;

  void encode(kernel::Encoder& out) const;
  static Result<Timeline> decode(kernel::Decoder& in);

 private:
  std::uint32_t intern(std::string_view text);

  std::vector<std::pair<Position, std::uint64_t>> records_;  // (position, timestamp), ascending
  std::vector<Change> changes_;                              // ascending positions
  std::deque<std::string> texts_;                            // stable addresses for text_ids_ keys
  std::unordered_map<std::string_view, std::uint32_t> text_ids_;
};

}  // namespace kmb::projection
