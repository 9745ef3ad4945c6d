// What `kimberlite init`, `start` and `dev` share: preparing a data directory for serving and
// running the network server over it (src/server).
//
//   DATA/master.key            the master key (db/master_key.h), created by init
//   DATA/tenants/<id>/...      tenant data (db/database.h)
//   DATA/system/log/           API keys and the security audit trail (server/system_log.h)
//
// Thread-safety: functions for the CLI's main thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/status.h"
#include "db/database.h"
#include "io/clock.h"
#include "io/posix_storage.h"
#include "server/api_keys.h"
#include "server/metrics.h"
#include "server/server.h"

namespace kmb::cli {

// The tenant `init` creates and binds the first admin key to.
inline constexpr std::uint64_t initial_tenant_id = 1;

struct InitResult {
  server::CreatedKey admin_key;
  bool created_master_key = false;
};

// Creates DIR (if missing), its master key file (unless KIMBERLITE_MASTER_KEY is set), tenant 1
// and an admin key for it. already_exists if DIR already holds a system log.
Result<InitResult> initialize_data_directory(const std::string& directory, const std::string& tenant_name);

// True when DIR has been initialised (has a system log).
Result<bool> is_initialized(const std::string& directory);

// An open data directory ready to serve.
struct ServingState {
  io::PosixStorage storage;
  io::RealClock clock;
  std::unique_ptr<db::Database> database;
  std::unique_ptr<server::ApiKeyStore> keys;
  server::Metrics metrics;
};

Result<std::unique_ptr<ServingState>> open_for_serving(const std::string& directory);

}  // namespace kmb::cli
