#include "server/sql_connections.h"

#include <cctype>

namespace kmb::server {

std::shared_ptr<SqlConnections::Entry> SqlConnections::find(std::uint64_t connection_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(connection_id);
  return it == entries_.end() ? nullptr : it->second;
}

std::shared_ptr<SqlConnections::Entry> SqlConnections::find_or_create(std::uint64_t connection_id,
                                                                      std::uint64_t tenant_id,
                                                                      const sql::Engine& engine,
                                                                      sql::Session& session, bool read_only) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::shared_ptr<Entry>& entry = entries_[connection_id];
  if (entry == nullptr) {
    entry = std::make_shared<Entry>();
    entry->tenant_id = tenant_id;
    sql::Session* inner = &session;
    if (read_only) {
      entry->read_only = std::make_unique<ReadOnlySession>(session, "a reader key may not write");
      inner = entry->read_only.get();
    }
    entry->connection = std::make_unique<sql::Connection>(engine, *inner);
  }
  return entry;
}

void SqlConnections::erase(std::uint64_t connection_id) {
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = entries_.find(connection_id);
    if (it == entries_.end()) return;
    entry = std::move(it->second);
    entries_.erase(it);
  }
  // A request still running on it holds its own reference; the rollback waits for it.
  std::lock_guard<std::mutex> lock(entry->mutex);
  entry->connection->rollback();
}

namespace {

bool keyword_at(std::string_view text, std::size_t at, std::string_view keyword) {
  if (text.size() - at < keyword.size()) return false;
  for (std::size_t i = 0; i < keyword.size(); i++) {
    if (std::toupper(static_cast<unsigned char>(text[at + i])) != keyword[i]) return false;
  }
  const std::size_t end = at + keyword.size();
  return end == text.size() || !(std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_');
}

}  // namespace

bool SqlConnections::begins_transaction(std::string_view sql) {
  std::size_t at = 0;
  while (at < sql.size()) {
    if (std::isspace(static_cast<unsigned char>(sql[at]))) {
      at++;
    } else if (sql.substr(at, 2) == "--") {
      while (at < sql.size() && sql[at] != '\n') at++;
    } else if (sql.substr(at, 2) == "/*") {
      const std::size_t end = sql.find("*/", at + 2);
      at = end == std::string_view::npos ? sql.size() : end + 2;
    } else {
      break;
    }
  }
  return keyword_at(sql, at, "BEGIN") || keyword_at(sql, at, "START");
}

}  // namespace kmb::server
