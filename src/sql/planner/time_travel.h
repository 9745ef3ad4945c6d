// Resolves a table reference's time-travel clause to log positions.
//
//   (none)                          the view's newest position
//   AS OF POSITION n, AT OFFSET n   position n
//   AS OF TIMESTAMP t               the newest position committed at or before t
//   FOR SYSTEM_TIME AS OF x         a number is a position, a string or TIMESTAMP a time (as above)
//   FOR SYSTEM_TIME BETWEEN a AND b row history over positions [a, b] (a and b as for AS OF)
//   FOR SYSTEM_TIME FROM a TO b     row history over [a, b): b itself is excluded
//   FOR SYSTEM_TIME ALL             row history over the whole log
//
// Timestamps in SQL text are UTC ('2024-01-15 10:30:00', '2024-01-15T10:30:00Z', '2024-01-15').
// Errors from ReadView::position_at_timestamp (a time before the first record) surface verbatim.
//
// Thread-safety: pure functions over a ReadView used by one thread.
#pragma once

#include <string>

#include "base/status.h"
#include "projection/read_view.h"
#include "sql/parser/statement.h"
#include "sql/planner/expression_binder.h"

namespace kmb::sql {

struct ResolvedTimeTravel {
  bool latest = true;    // no clause
  bool history = false;  // FOR SYSTEM_TIME BETWEEN / FROM / ALL
  bool empty = false;    // a history range that contains no position
  kernel::Position as_of = 0;  // snapshot position; for history the schema's position (= to)
  kernel::Position from = 0;   // history range, both ends included
  kernel::Position to = 0;
  std::string description;     // for EXPLAIN: "AS OF POSITION 3", "HISTORY [1, 5]"
};

// REQUIRES: view.position() has a value (the log is not empty).
Result<ResolvedTimeTravel> resolve_time_travel(const TimeTravel& clause, const projection::ReadView& view,
                                               const BinderContext& context);

}  // namespace kmb::sql
