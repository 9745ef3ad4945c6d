// SqlConnections: the SQL conversation of each network connection — the sql::Connection that
// holds a transaction between Execute requests (BEGIN ... COMMIT over the wire).
//
// A network connection gets its sql::Connection on its first BEGIN (or START TRANSACTION) and keeps
// it until it closes; closing it rolls back a transaction left open. While a transaction is open,
// every Execute of that network connection runs on it, one at a time, in the order the worker
// threads take them — so a client must wait for each response inside a transaction (pipelining
// the statements of one transaction is not supported; autocommit statements pipeline freely and
// never touch this class). A reader key's connection wraps its session read-only, as autocommit
// does.
//
// Thread-safety: all methods are thread-safe; an Entry's connection is used under its mutex.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string_view>

#include "server/session_scopes.h"
#include "sql/connection.h"

namespace kmb::server {

class SqlConnections {
 public:
  struct Entry {
    std::mutex mutex;  // guards everything below
    std::uint64_t tenant_id = 0;
    std::unique_ptr<ReadOnlySession> read_only;  // reader keys
    std::unique_ptr<sql::Connection> connection;
  };

  // The entry of `connection_id`, or null.
  std::shared_ptr<Entry> find(std::uint64_t connection_id) const;
  // The entry of `connection_id`, created over `session` (wrapped read-only when `read_only`).
  // `engine` and `session` must outlive the entry.
  std::shared_ptr<Entry> find_or_create(std::uint64_t connection_id, std::uint64_t tenant_id, const sql::Engine& engine,
                                        sql::Session& session, bool read_only);
  // The network connection closed: its open transaction (if any) is rolled back.
  void erase(std::uint64_t connection_id);

  // Whether `sql` opens a transaction (BEGIN or START TRANSACTION, after blanks and comments).
  static bool begins_transaction(std::string_view sql);

 private:
  mutable std::mutex mutex_;
  std::map<std::uint64_t, std::shared_ptr<Entry>> entries_;
};

}  // namespace kmb::server
