// A fresh Kimberlite database in a new directory, used by the sqllogictest runner to give every
// test file a clean slate. The directory (PARENT/kimberlite-slt-<random hex>) and everything in it
// is removed when the object is destroyed, after the database is closed.
//
// Thread-safety: as db::Tenant (execute may be called from several threads).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "db/database.h"
#include "io/storage.h"
#include "slt/runner.h"

namespace kmb::slt {

class TemporaryDatabase final : public Connection {
 public:
  // `storage` is used to create and remove the directory and must outlive the object.
  static Result<std::unique_ptr<TemporaryDatabase>> create(io::Storage& storage, const std::string& parent_directory,
                                                           std::uint64_t tenant_id = 1);
  ~TemporaryDatabase() override;
  TemporaryDatabase(const TemporaryDatabase&) = delete;
  TemporaryDatabase& operator=(const TemporaryDatabase&) = delete;

  // Runs on the active connection (`default` until a `connection` record names another).
  Result<sql::QueryResult> execute(std::string_view sql, const sql::AuditContext& audit) override;
  Status use_connection(std::string_view name) override;
  const std::string& directory() const { return directory_; }

  struct Token {};
  TemporaryDatabase(Token, io::Storage& storage, std::string directory);

 private:
  io::Storage& storage_;
  std::string directory_;
  std::unique_ptr<db::Database> database_;
  db::Tenant* tenant_ = nullptr;
  // Named connections of the tenant; destroyed (rolling back open transactions) before database_.
  std::map<std::string, std::unique_ptr<sql::Connection>, std::less<>> connections_;
  sql::Connection* active_ = nullptr;
};

// Removes a file, or a directory and everything below it.
Status remove_tree(io::Storage& storage, const std::string& path);

}  // namespace kmb::slt
