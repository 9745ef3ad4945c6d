// SystemLog: the server's own append-only, hash-chained log — the API-key registry and the
// security audit trail — kept as an ordinary log partition (docs/format/log.md) in
//
//   DATA/system/log/        records of kind `system`, each payload one JSON object
//
// so that key creation, rotation, revocation and every refused access are tamper-evident in the
// same way tenant data is (the chain hash covers them; `kimberlite verify --data DATA/system/log`
// walks it). Nothing is ever rewritten: the current set of keys is the replay of the log.
//
// Events (the "event" member names the kind; docs/server.md lists their fields):
//   key_created   key_revoked   access_denied
//
// Thread-safety: append() may be called from any thread; appends share fdatasync calls (group
// commit) and return once durable. The replay callback of open() runs on the calling thread
// before open() returns.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "base/status.h"
#include "io/clock.h"
#include "io/storage.h"
#include "log/group_commit.h"

namespace kmb::server {

// The partition id stored in the system log's manifest; tenant ids of user data start at 1.
inline constexpr std::uint64_t system_partition_id = 0;

std::string system_log_directory(const std::string& data_directory);

class SystemLog {
 public:
  // One replayed event with the log position and the committer's timestamp.
  using ReplayFunction =
      std::function<Status(std::uint64_t offset, std::uint64_t timestamp_ns, const nlohmann::json& event)>;

  // Opens (creating when `create`) DATA/system/log and feeds every durable event to `replay`, in
  // order. Errors: not_found when missing and !create; failed_precondition when another process
  // holds it open (a running server); corruption for damaged records or non-JSON payloads.
  static Result<std::unique_ptr<SystemLog>> open(io::Storage& storage, io::Clock& clock,
                                                 const std::string& data_directory, bool create,
                                                 const ReplayFunction& replay);

  explicit SystemLog(std::unique_ptr<log::GroupCommitter> committer);

  struct Appended {
    std::uint64_t offset = 0;
    std::uint64_t timestamp_ns = 0;  // chosen by the committer
  };
  // Appends one event durably. `reason` is stored in the record header.
  Result<Appended> append(const nlohmann::json& event, std::string_view reason);

  std::uint64_t record_count() { return committer_->durable_offset(); }

 private:
  std::unique_ptr<log::GroupCommitter> committer_;
};

}  // namespace kmb::server
