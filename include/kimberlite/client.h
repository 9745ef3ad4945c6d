// Kimberlite C++ client: talk to a Kimberlite server over the network (docs/protocol.md).
//
//   #include <kimberlite/client.h>
//
//   kimberlite::ClientOptions options;
//   options.tls.enabled = true;
//   options.tls.ca_file = "ca.pem";                       // verify the server
//   auto client = kimberlite::Client::connect("db.example:7447", api_key, options);
//   if (!client.ok()) { std::cerr << client.status().to_string() << "\n"; return 1; }
//
//   kimberlite::Value params[] = {kimberlite::Value::integer(7)};
//   auto rows = (*client)->query("SELECT name FROM patients WHERE id = $1", params);
//   auto write = (*client)->execute("UPDATE patients SET name = 'Ada' WHERE id = 7", {},
//                                   {"dr.smith", "typo fix"});     // actor and reason are logged
//   auto then = (*client)->query_as_of("SELECT name FROM patients", {kimberlite::AsOfKind::position, 40});
//
//   (*client)->append("vitals", {bytes1, bytes2});         // retried safely (idempotency key)
//   auto subscription = (*client)->subscribe("vitals", 0, /*initial_credits=*/64);
//   auto events = (*subscription)->poll(/*wait_ms=*/1000);
//   (*subscription)->grant(64);                             // the server pushes at most what is granted
//
// Every call returns Status or Result<T> and ends by its deadline (CallOptions::timeout_ms): the
// answer, the server's error (code + message), or aborted ("deadline exceeded"). The tenant is
// the API key's. Clients are thread-safe; ClientPool shares a bounded set of connections.
#pragma once

#include "client/client.h"
#include "client/pool.h"
#include "kimberlite/common.h"

namespace kimberlite {

using Client = kmb::client::Client;
using ClientOptions = kmb::client::ClientOptions;
using CallOptions = kmb::client::CallOptions;
using TlsOptions = kmb::client::TlsOptions;
using RetryOptions = kmb::client::RetryOptions;
using Audit = kmb::client::Audit;
using Event = kmb::client::Event;
using Subscription = kmb::client::Subscription;
using ClientPool = kmb::client::ClientPool;
using PoolOptions = kmb::client::PoolOptions;

using QueryResponse = kmb::protocol::ExecuteResponse;
using AsOf = kmb::protocol::AsOf;
using AsOfKind = kmb::protocol::AsOfKind;
using Role = kmb::protocol::Role;
using RemoteTenantInfo = kmb::protocol::TenantInfo;
using RemoteTenantConfig = kmb::protocol::TenantConfig;
using RemoteTenantQuotas = kmb::protocol::TenantQuotas;
using ApiKeyInfo = kmb::protocol::ApiKeyInfo;
using ServerInfo = kmb::protocol::ServerInfoResponse;

// Text of any value as Kimberlite prints it ("NULL", "2024-01-15", ...); "reader", "writer", "admin".
// (using-declarations, so that this header and kimberlite.h may both be included.)
using kmb::kernel::to_display;
using kmb::protocol::role_name;

}  // namespace kimberlite
