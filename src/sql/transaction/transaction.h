// Transaction: the state of one open SQL transaction (BEGIN ... COMMIT) of a Connection.
//
// Concurrency control is optimistic, with snapshot reads and serializable commits:
//   * BEGIN takes a snapshot position S (the newest durable record). Every statement reads the
//     tenant as of S plus the transaction's own writes (TransactionReadView).
//   * A write statement is planned against that view and its commands are validated immediately by
//     the kernel against S + the earlier statements (kernel::OverlayState), so a constraint error
//     surfaces at the statement that caused it; the commands are kept, nothing is logged.
//   * COMMIT, under the tenant's write lock, checks that nothing the transaction depends on changed
//     after S — each key it looked up or wrote (key granularity: the visible version at S is still
//     the newest), each table it scanned or inserted into without a primary key (table granularity:
//     no later record names it in the audit trail), and the definitions of every table it touched.
//     Any change aborts the commit ("could not serialize ..."; status `aborted`, retryable).
//     Otherwise all the transaction's commands become ONE CommandRecord — one log record — which the
//     kernel validates again against the newest state and which is then appended atomically: all of
//     the transaction or nothing, also across a crash. So no update is ever lost: two transactions
//     that read and write one row cannot both commit.
//   * A statement that fails puts the transaction in the failed state: later statements are refused
//     and COMMIT rolls back (PostgreSQL's behaviour).
//
// Limits: statements whose commands would take the transaction past `TransactionLimits` fail with
// resource_exhausted (and fail the transaction). DDL is refused inside a transaction.
//
// Thread-safety: none; owned by one Connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "kernel/command.h"
#include "kernel/overlay_state.h"
#include "projection/read_view.h"
#include "sql/transaction/transaction_view.h"

namespace kmb::sql {

struct TransactionLimits {
  std::uint64_t commands_max = 100'000;        // row-level commands (one per write statement part)
  std::uint64_t rows_max = 1'000'000;          // rows inserted, updated or deleted
  std::uint64_t size_max_bytes = 32ULL << 20;  // the encoded record (below the log's 64 MiB payload limit)
};

class Transaction {
 public:
  Transaction(std::optional<kernel::Position> snapshot, const TransactionLimits& limits)
      : snapshot_(snapshot), limits_(limits) {}

  std::optional<kernel::Position> snapshot() const { return snapshot_; }

  bool failed() const { return !failure_.ok(); }
  const Status& failure() const { return failure_; }
  // Enters the failed state (keeps the first error).
  void fail(const Status& status);

  // A view for one statement: `base` (a fresh view of the tenant) as of the snapshot, with this
  // transaction's writes, reporting reads to this transaction.
  TransactionReadView view(const projection::ReadView& base) {
    return TransactionReadView(base, snapshot_, overlay_, reads_);
  }

  // Validates one statement's commands against snapshot + earlier statements and adds them.
  // The kernel's error for a constraint violation, resource_exhausted past the limits, aborted if a
  // table it writes was redefined after the snapshot. On error nothing is added.
  Status add_write(const projection::ReadView& base, std::string_view statement, std::vector<kernel::Command> commands);

  bool has_writes() const { return !commands_.empty(); }
  std::size_t statement_count() const { return statements_.size(); }

  // At COMMIT, under the write lock, with the newest applied state: `aborted` if anything the
  // transaction read or wrote changed after the snapshot, else the one record to commit.
  Result<kernel::CommandRecord> commit_record(const projection::ReadView& latest) const;

 private:
  Status check_conflicts(const projection::ReadView& latest) const;

  std::optional<kernel::Position> snapshot_;
  TransactionLimits limits_;
  Status failure_;
  kernel::OverlayState overlay_;
  ReadSet reads_;
  std::set<std::uint32_t> implicit_key_tables_;  // written tables keyed by row ids: table-level checks
  std::vector<kernel::Command> commands_;
  std::vector<std::string> statements_;
  std::uint64_t rows_ = 0;
  std::uint64_t size_bytes_ = 0;
};

}  // namespace kmb::sql
