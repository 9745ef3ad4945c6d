// The seam between the SQL engine and the database: what the engine needs from a tenant to run a
// statement. The database layer (src/db) implements it over the tenant's log and projections; the
// SQL engine never touches the log, files or the clock.
//
// Thread-safety: implementations are thread-safe; the engine may run statements of different
// sessions of one tenant concurrently.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/status.h"
#include "kernel/command.h"
#include "projection/read_view.h"

namespace kmb::sql {

// Who is acting and why; recorded in the log record of every write (covered by the hash chain).
struct AuditContext {
  std::string actor;
  std::string reason;
  std::uint64_t client_id = 0;
};

struct CommitResult {
  kernel::Position position = 0;
  std::uint64_t timestamp_ns = 0;  // chosen by the committer, never by the client
};

// What Session::write runs under the write lock: the record to commit, evaluated against the
// newest applied state.
using RecordBuilder = std::function<Result<kernel::CommandRecord>(const projection::ReadView& latest)>;

class Session {
 public:
  virtual ~Session() = default;

  // A consistent snapshot at the newest durable position, for reads.
  virtual Result<std::unique_ptr<projection::ReadView>> read_view() = 0;

  // Runs `build` under the tenant's write lock, with a view of the newest applied state (which may
  // include writes that are not yet durable). `build` returns the CommandRecord to commit (with
  // statement text; actor is filled from `audit`) — or an error, which aborts with nothing written.
  // The record is then validated by the kernel (a rejected record changes nothing and its error is
  // returned), appended to the tenant's log and applied to the projections; write() returns once it
  // is durable. An empty record (no commands) commits nothing and returns the current position.
  virtual Result<CommitResult> write(const RecordBuilder& build, const AuditContext& audit) = 0;

  // The non-blocking form of write(), for callers that must not hold a thread while a write
  // becomes durable (the server acknowledges from the callback). Everything up to and including
  // applying the record is as in write(); then, instead of waiting:
  //   * returns OK: `on_durable` is called exactly once — possibly before write_deferred returns,
  //     possibly on another thread — with OK once the write is durable (and visible to
  //     read_view()), or with the error that made durability fail. The caller must not
  //     acknowledge the write before on_durable(OK); on an error the write must be treated as
  //     lost. The CommitResult is final either way (position and timestamp are chosen before the
  //     sync). A record with no commands commits nothing and calls on_durable(OK) inline.
  //   * returns an error: nothing was written and `on_durable` is never called.
  // `on_durable` must be short and must not throw: it may run on the log's flusher thread, which
  // holds up every other acknowledgement while it runs.
  // The default, for sessions with nothing to defer, is write() followed by on_durable(OK).
  // A session that refuses every write (the server's reader and AS OF scopes) needs nothing more.
  virtual Result<CommitResult> write_deferred(const RecordBuilder& build, const AuditContext& audit,
                                              std::function<void(Status)> on_durable) {
    KMB_ASSIGN_OR_RETURN(CommitResult commit, write(build, audit));
    on_durable(Status());
    return commit;
  }
};

}  // namespace kmb::sql
