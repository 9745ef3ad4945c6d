#include "slt/temporary_database.h"

#include <array>
#include <iostream>

#include "base/bytes.h"
#include "crypto/random.h"

namespace kmb::slt {

namespace {
// A directory tree deeper than this is not one the runner created.
constexpr int remove_depth_max = 32;

Status remove_tree_at_depth(io::Storage& storage, const std::string& path, int depth) {
  if (depth > remove_depth_max) return failed_precondition("directory tree too deep to remove: " + path);
  KMB_ASSIGN_OR_RETURN(bool exists, storage.exists(path));
  if (!exists) return Status();
  KMB_ASSIGN_OR_RETURN(bool is_directory, storage.is_directory(path));
  if (is_directory) {
    KMB_ASSIGN_OR_RETURN(std::vector<std::string> names, storage.list_directory(path));
    for (const std::string& name : names) KMB_TRY(remove_tree_at_depth(storage, io::join_path(path, name), depth + 1));
  }
  return storage.remove(path);
}
}  // namespace

Status remove_tree(io::Storage& storage, const std::string& path) {
  return remove_tree_at_depth(storage, path, 0);
}

TemporaryDatabase::TemporaryDatabase(Token, io::Storage& storage, std::string directory)
    : storage_(storage), directory_(std::move(directory)) {}

Result<std::unique_ptr<TemporaryDatabase>> TemporaryDatabase::create(io::Storage& storage,
                                                                     const std::string& parent_directory,
                                                                     std::uint64_t tenant_id) {
  KMB_ASSIGN_OR_RETURN(auto suffix, crypto::random_array<8>());
  std::string directory = io::join_path(parent_directory, "kimberlite-slt-" + to_hex(suffix));
  KMB_ASSIGN_OR_RETURN(bool exists, storage.exists(directory));
  if (exists) return already_exists("temporary directory " + directory + " already exists");
  KMB_TRY(storage.create_directories(directory));
  auto database = std::make_unique<TemporaryDatabase>(Token{}, storage, directory);
  // From here on the destructor removes the directory, whatever fails next.
  KMB_ASSIGN_OR_RETURN(database->database_, db::Database::open(directory));
  KMB_ASSIGN_OR_RETURN(database->tenant_, database->database_->tenant(tenant_id));
  return database;
}

TemporaryDatabase::~TemporaryDatabase() {
  active_ = nullptr;
  connections_.clear();  // rolls back open transactions, before the tenant closes
  tenant_ = nullptr;
  database_.reset();
  Status removed = remove_tree(storage_, directory_);
  if (!removed.ok())
    std::cerr << "kimberlite-slt: could not remove " << directory_ << ": " << removed.to_string() << "\n";
}

Result<sql::QueryResult> TemporaryDatabase::execute(std::string_view sql, const sql::AuditContext& audit) {
  if (active_ == nullptr) KMB_TRY(use_connection(default_connection_name));
  return active_->execute(sql, {}, audit);
}

Status TemporaryDatabase::use_connection(std::string_view name) {
  auto it = connections_.find(name);
  if (it == connections_.end()) {
    if (connections_.size() >= connections_max) {
      return resource_exhausted("a test file may open at most " + std::to_string(connections_max) + " connections");
    }
    it = connections_.emplace(std::string(name), tenant_->connect()).first;
  }
  active_ = it->second.get();
  return Status();
}

}  // namespace kmb::slt
