// The kernel: Kimberlite's state machine as one pure function.
//
//   Result<Effects> apply(state, record, position, timestamp_ns)
//
// Given a read-only view of the newest state and one command record (one log record of kind
// `command`), it validates the record's commands in order and returns the net Effects (effects.h)
// — or the first error, in which case nothing may change: a record is all-or-nothing. It performs
// no I/O and reads no clock, randomness or globals, so replaying the log on any machine derives the
// same state byte for byte. The caller (the projection Store) applies the Effects.
//
// Errors (the message is meant for the user):
//   not_found         unknown table, column, index or stream; UPDATE/DELETE of a key with no row
//   already_exists    table/index/stream/column already exists (unless IF NOT EXISTS)
//   invalid_argument  every constraint violation — a primary-key or UNIQUE conflict ("duplicate key
//                     value violates primary key of table t: (id)=(7)"), a UNIQUE index or column
//                     over duplicated data, NOT NULL, type mismatch, integer out of range — and wrong
//                     row arity, dropping a primary-key column, malformed definitions, names too long
//   aborted           AppendEvents whose expected_offset differs ("stream s is at offset 3, expected 2")
//
// Definitions. Every position in a definition the record creates or drops (created_at, added_at,
// dropped_at) is the record's position. Primary-key columns become NOT NULL. A UNIQUE column gets an
// implicit unique index named "<table>_<column>_key" (a suffix is added if the name is taken); it
// cannot be dropped while the column is UNIQUE. Dropping a table or a column drops its indexes.
// Tables without a primary key number their rows from TableDef::next_row_id.
//
// Thread-safety: a pure function; safe to call concurrently on views that are not being modified.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/status.h"
#include "kernel/command.h"
#include "kernel/effects.h"
#include "kernel/state_view.h"

namespace kmb::kernel {

inline constexpr std::size_t identifier_size_max_bytes = 255;
inline constexpr std::size_t columns_per_table_max = 1000;
inline constexpr std::size_t key_columns_max = 32;  // primary-key and index columns
inline constexpr std::size_t indexes_per_table_max = 100;

// REQUIRES: position is greater than every position already applied to `state`, and below
// position_max - 1.
Result<Effects> apply(const StateView& state, const CommandRecord& record, Position position,
                      std::uint64_t timestamp_ns);

}  // namespace kmb::kernel
