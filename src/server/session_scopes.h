// Session scopes: sql::Session decorators that narrow what a request may do, so that the SQL
// engine enforces a key's role and a request's AS OF without knowing about either.
//
//   ReadOnlySession   every write fails with failed_precondition ("permission denied: ...")
//                     before anything is evaluated, let alone logged (reader keys)
//   PinnedSession     reads see the tenant as of one past position (Execute.as_of); writes fail
//
// Thread-safety: like the wrapped Session; a scope object itself is used by one request.
#pragma once

#include <memory>
#include <string>

#include "sql/session.h"

namespace kmb::server {

class ReadOnlySession final : public sql::Session {
 public:
  ReadOnlySession(sql::Session& inner, std::string why) : inner_(inner), why_(std::move(why)) {}
  Result<std::unique_ptr<projection::ReadView>> read_view() override { return inner_.read_view(); }
  Result<sql::CommitResult> write(
      const sql::RecordBuilder& build,
      const sql::AuditContext& audit) override;

 private:
  sql::Session& inner_;
  std::string why_;
};

// REQUIRES: the inner session's reads may be pinned at `position` (checked per read: a position
// past the newest durable one is invalid_argument, as for AS OF POSITION in SQL).
class PinnedSession final : public sql::Session {
 public:
  PinnedSession(sql::Session& inner, kernel::Position position) : inner_(inner), position_(position) {}
  Result<std::unique_ptr<projection::ReadView>> read_view() override;
  Result<sql::CommitResult> write(
      const sql::RecordBuilder& build,
      const sql::AuditContext& audit) override;

 private:
  sql::Session& inner_;
  kernel::Position position_;
};

}  // namespace kmb::server
