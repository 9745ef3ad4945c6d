#include "server/request_handler.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "io/clock.h"
#include "io/memory_storage.h"

namespace kmb::server {
namespace {

namespace p = protocol;

class RequestHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<db::Database>> database = db::Database::open(storage_, clock_, "/data");
    ASSERT_TRUE(database.ok()) << database.status().to_string();
    database_ = std::move(database).value();
    ASSERT_TRUE(database_->create_tenant(1, db::TenantConfig{"a", "", {}}).ok());
    ASSERT_TRUE(database_->create_tenant(2, db::TenantConfig{"b", "", {}}).ok());
    Result<std::unique_ptr<ApiKeyStore>> keys = ApiKeyStore::open(storage_, clock_, "/data", true);
    ASSERT_TRUE(keys.ok()) << keys.status().to_string();
    keys_ = std::move(keys).value();
    handler_ = std::make_unique<RequestHandler>(*database_, *keys_, metrics_, storage_, clock_,
                                                HandlerOptions{"test", 1u << 20, false, {}});
  }

  Principal principal(std::uint64_t tenant, Role role) {
    Result<CreatedKey> created = keys_->create(tenant, role, "", KeyActor{"test", ""});
    EXPECT_TRUE(created.ok());
    Principal out;
    p::Hello hello;
    hello.api_key = created->key;
    HandledRequest handled = handler_->hello(hello, 1, out);
    EXPECT_EQ(handled.code, StatusCode::ok);
    return out;
  }

  HandledRequest handle(const Principal& who, const p::Message& request) {
    return handler_->handle(who, request, "127.0.0.1:1");
  }

  io::MemoryStorage storage_{11};
  io::ManualClock clock_;
  std::unique_ptr<db::Database> database_;
  std::unique_ptr<ApiKeyStore> keys_;
  Metrics metrics_;
  std::unique_ptr<RequestHandler> handler_;
};

TEST_F(RequestHandlerTest, HelloRefusesUnknownKeysAndVersions) {
  Principal who;
  p::Hello hello;
  hello.api_key = "kmb_" + std::string(64, 'a');
  EXPECT_EQ(handler_->hello(hello, 1, who).code, StatusCode::invalid_argument);
  hello.version_min = 5;
  hello.version_max = 6;
  EXPECT_EQ(handler_->hello(hello, 1, who).code, StatusCode::unsupported);
  EXPECT_TRUE(who.key_id.empty());
}

TEST_F(RequestHandlerTest, EveryOperationNamingAnotherTenantIsRefusedAndAudited) {
  const Principal admin = principal(1, Role::admin);
  Result<CreatedKey> b_key = keys_->create(2, Role::writer, "b", KeyActor{"test", ""});
  ASSERT_TRUE(b_key.ok());
  const std::vector<p::Message> requests = {
      p::TenantInfoRequest{2},
      p::TenantSeal{2, "x", "y"},
      p::TenantUnseal{2, "x", "y"},
      p::TenantSetQuotas{2, {}},
      p::TenantCreate{3, {}},
      p::TenantList{},
      p::ApiKeyCreate{2, p::Role::admin, ""},
      p::ApiKeyList{2},
      p::ApiKeyList{std::nullopt},
      p::ApiKeyRevoke{b_key->info.id},
      p::ApiKeyRotate{b_key->info.id},
      p::VerifyChain{2},
  };
  std::uint64_t refusals = 0;
  for (Role role : {Role::reader, Role::writer}) {
    const Principal tenant_a = principal(1, role);
    for (const p::Message& request : requests) {
      HandledRequest handled = handle(tenant_a, request);
      EXPECT_EQ(handled.code, StatusCode::failed_precondition) << p::message_type_name(p::message_type(request));
      const auto* error = std::get_if<p::Error>(&handled.response);
      ASSERT_NE(error, nullptr);
      EXPECT_NE(error->message.find("permission denied"), std::string::npos) << error->message;
      EXPECT_EQ(keys_->denied_count(), ++refusals);
    }
  }
  // B's key was neither revoked nor rotated by the refused requests.
  EXPECT_TRUE(keys_->check(b_key->info.id).ok());
  // Own-tenant reads of metadata are fine for every role; the operator key may do everything.
  EXPECT_EQ(handle(principal(1, Role::reader), p::TenantInfoRequest{1}).code, StatusCode::ok);
  EXPECT_EQ(handle(principal(1, Role::reader), p::VerifyChain{std::nullopt}).code, StatusCode::ok);
  EXPECT_EQ(handle(admin, p::TenantInfoRequest{2}).code, StatusCode::ok);
  EXPECT_EQ(handle(admin, p::ApiKeyList{2}).code, StatusCode::ok);
  EXPECT_EQ(keys_->denied_count(), refusals);
}

TEST_F(RequestHandlerTest, SqlRunsInTheKeysTenantAndReadersCannotWrite) {
  const Principal writer_a = principal(1, Role::writer);
  const Principal writer_b = principal(2, Role::writer);
  const Principal reader_a = principal(1, Role::reader);
  p::Execute create;
  create.sql = "CREATE TABLE t (id BIGINT PRIMARY KEY)";
  ASSERT_EQ(handle(writer_b, create).code, StatusCode::ok);
  p::Execute select;
  select.sql = "SELECT * FROM t";
  EXPECT_EQ(handle(writer_a, select).code, StatusCode::invalid_argument);  // no table t in tenant 1
  EXPECT_EQ(handle(writer_b, select).code, StatusCode::ok);
  ASSERT_EQ(handle(writer_a, create).code, StatusCode::ok);
  p::Execute insert;
  insert.sql = "INSERT INTO t VALUES (1)";
  HandledRequest refused = handle(reader_a, insert);
  EXPECT_EQ(refused.code, StatusCode::failed_precondition);
  HandledRequest count = handle(reader_a, p::Execute{"SELECT count(*) FROM t", {}, "", "", {}});
  ASSERT_EQ(count.code, StatusCode::ok);
  EXPECT_EQ(std::get<p::ExecuteResponse>(count.response).rows[0][0].as_int(), 0);
}

TEST_F(RequestHandlerTest, RevokedKeysFailOnTheNextRequest) {
  const Principal writer = principal(1, Role::writer);
  EXPECT_EQ(handle(writer, p::Ping{1}).code, StatusCode::ok);
  ASSERT_TRUE(keys_->revoke(writer.key_id, KeyActor{"test", ""}).ok());
  EXPECT_EQ(handle(writer, p::Ping{2}).code, StatusCode::failed_precondition);
}

TEST_F(RequestHandlerTest, OnlyPingsAndReadsOutsideTransactionsRunInline) {
  const Principal writer = principal(1, Role::writer);
  const auto execute = [](const std::string& sql) { return p::Message(p::Execute{sql, {}, "", "", {}}); };

  std::optional<HandledRequest> ping = handler_->try_handle_inline(writer, p::Ping{7});
  ASSERT_TRUE(ping.has_value());
  EXPECT_EQ(std::get<p::PingResponse>(ping->response).nonce, 7u);

  // Writes and everything but Ping and Execute go to the workers.
  EXPECT_FALSE(handler_->try_handle_inline(writer, execute("CREATE TABLE t (id BIGINT PRIMARY KEY, v TEXT)")));
  ASSERT_EQ(handle(writer, execute("CREATE TABLE t (id BIGINT PRIMARY KEY, v TEXT)")).code, StatusCode::ok);
  EXPECT_FALSE(handler_->try_handle_inline(writer, execute("INSERT INTO t VALUES (1, 'one')")));
  ASSERT_EQ(handle(writer, execute("INSERT INTO t VALUES (1, 'one')")).code, StatusCode::ok);
  EXPECT_FALSE(handler_->try_handle_inline(writer, p::ListTables{}));
  // Text that does not parse is left to the worker, which reports the syntax error.
  EXPECT_FALSE(handler_->try_handle_inline(writer, execute("SELEC 1")));

  // A read gets the same answer inline as on a worker, errors included.
  std::optional<HandledRequest> read = handler_->try_handle_inline(
      writer, p::Execute{"SELECT v FROM t WHERE id = $1", {kernel::Value::integer(1)}, "", "", {}});
  ASSERT_TRUE(read.has_value());
  ASSERT_EQ(read->code, StatusCode::ok);
  EXPECT_EQ(read->tenant_id, 1u);
  EXPECT_EQ(std::get<p::ExecuteResponse>(read->response).rows.at(0).at(0).as_string(), "one");
  std::optional<HandledRequest> missing = handler_->try_handle_inline(writer, execute("SELECT * FROM nowhere"));
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->code, StatusCode::invalid_argument);

  // Inside a transaction, reads belong to the connection's conversation.
  Principal in_transaction = writer;
  in_transaction.connection_id = 42;
  ASSERT_EQ(handle(in_transaction, execute("BEGIN")).code, StatusCode::ok);
  EXPECT_FALSE(handler_->try_handle_inline(in_transaction, execute("SELECT * FROM t")));
  ASSERT_EQ(handle(in_transaction, execute("ROLLBACK")).code, StatusCode::ok);

  // A revoked key is refused by handle(), not inline.
  ASSERT_TRUE(keys_->revoke(writer.key_id, KeyActor{"test", ""}).ok());
  EXPECT_FALSE(handler_->try_handle_inline(writer, p::Ping{8}));
  EXPECT_FALSE(handler_->try_handle_inline(writer, execute("SELECT * FROM t")));
}

TEST_F(RequestHandlerTest, AsOfReadsThePastAndRefusesWrites) {
  const Principal writer = principal(1, Role::writer);
  ASSERT_EQ(handle(writer, p::Execute{"CREATE TABLE h (id BIGINT PRIMARY KEY, v TEXT)", {}, "", "", {}}).code,
            StatusCode::ok);
  HandledRequest inserted = handle(writer, p::Execute{"INSERT INTO h VALUES (1, 'old')", {}, "", "", {}});
  ASSERT_EQ(inserted.code, StatusCode::ok);
  const std::uint64_t position = *std::get<p::ExecuteResponse>(inserted.response).position;
  ASSERT_EQ(handle(writer, p::Execute{"UPDATE h SET v = 'new'", {}, "", "", {}}).code, StatusCode::ok);
  HandledRequest past = handle(writer, p::Execute{"SELECT v FROM h", {}, "", "", {p::AsOfKind::position, position}});
  ASSERT_EQ(past.code, StatusCode::ok);
  EXPECT_EQ(std::get<p::ExecuteResponse>(past.response).rows[0][0].as_string(), "old");
  EXPECT_EQ(handle(writer, p::Execute{"DELETE FROM h", {}, "", "", {p::AsOfKind::position, position}}).code,
            StatusCode::invalid_argument);
  EXPECT_EQ(handle(writer, p::Execute{"SELECT v FROM h", {}, "", "", {p::AsOfKind::position, 999}}).code,
            StatusCode::invalid_argument);
}

TEST_F(RequestHandlerTest, StreamsAreServedAndResponsesAreNotRequests) {
  const Principal writer = principal(1, Role::writer);
  EXPECT_EQ(handle(writer, p::CreateStream{"s", false, "", ""}).code, StatusCode::ok);  // stream_service_test.cc
  EXPECT_EQ(handle(writer, p::PingResponse{1}).code, StatusCode::invalid_argument);
  EXPECT_EQ(handle(writer, p::Hello{}).code, StatusCode::failed_precondition);
}

// BEGIN ... COMMIT over the wire: the statements of a network connection's transaction are one
// log record, its reads see its own writes, other connections see nothing until COMMIT, a
// conflicting transaction is refused with `aborted`, and closing a connection rolls it back.
TEST_F(RequestHandlerTest, TransactionsSpanRequestsOfOneConnection) {
  Result<CreatedKey> key = keys_->create(1, Role::writer, "", KeyActor{"test", ""});
  ASSERT_TRUE(key.ok());
  const auto connect = [&](std::uint64_t connection_id) {
    Principal who;
    p::Hello hello;
    hello.api_key = key->key;
    EXPECT_EQ(handler_->hello(hello, connection_id, who).code, StatusCode::ok);
    return who;
  };
  const Principal a = connect(10);
  const Principal b = connect(11);
  const auto run = [&](const Principal& who, const std::string& sql) { return handle(who, p::Execute{sql, {}, "", "", {}}); };
  const auto count = [&](const Principal& who) {
    HandledRequest counted = run(who, "SELECT count(*) FROM t");
    EXPECT_EQ(counted.code, StatusCode::ok);
    return std::get<p::ExecuteResponse>(counted.response).rows.at(0).at(0).as_int();
  };
  ASSERT_EQ(run(a, "CREATE TABLE t (id BIGINT PRIMARY KEY, v BIGINT)").code, StatusCode::ok);

  ASSERT_EQ(run(a, "  -- open one\n BEGIN").code, StatusCode::ok);
  ASSERT_EQ(run(a, "INSERT INTO t VALUES (1, 10)").code, StatusCode::ok);
  ASSERT_EQ(run(a, "INSERT INTO t VALUES (2, 20)").code, StatusCode::ok);
  EXPECT_EQ(count(a), 2);  // its own writes
  EXPECT_EQ(count(b), 0);  // nothing before COMMIT
  HandledRequest committed = run(a, "COMMIT");
  ASSERT_EQ(committed.code, StatusCode::ok);
  EXPECT_EQ(std::get<p::ExecuteResponse>(committed.response).position, std::optional<kernel::Position>(1));
  EXPECT_EQ(count(b), 2);

  ASSERT_EQ(run(a, "BEGIN").code, StatusCode::ok);
  ASSERT_EQ(run(a, "UPDATE t SET v = v + 1 WHERE id = 1").code, StatusCode::ok);
  ASSERT_EQ(run(b, "START TRANSACTION").code, StatusCode::ok);
  ASSERT_EQ(run(b, "UPDATE t SET v = v + 100 WHERE id = 1").code, StatusCode::ok);
  ASSERT_EQ(run(a, "COMMIT").code, StatusCode::ok);
  EXPECT_EQ(run(b, "COMMIT").code, StatusCode::aborted);  // no lost update
  HandledRequest value = run(b, "SELECT v FROM t WHERE id = 1");
  EXPECT_EQ(std::get<p::ExecuteResponse>(value.response).rows.at(0).at(0).as_int(), 11);

  ASSERT_EQ(run(a, "BEGIN").code, StatusCode::ok);
  ASSERT_EQ(run(a, "INSERT INTO t VALUES (3, 30)").code, StatusCode::ok);
  EXPECT_EQ(handle(a, p::Execute{"SELECT 1", {}, "", "", p::AsOf{p::AsOfKind::position, 0}}).code,
            StatusCode::invalid_argument);
  handler_->connection_closed(a.connection_id);  // the client went away: rolled back
  EXPECT_EQ(count(b), 2);
  EXPECT_EQ(run(a, "COMMIT").code, StatusCode::invalid_argument);  // nothing open any more
}

TEST_F(RequestHandlerTest, ReaderKeysCannotWriteInsideTransactionsEither) {
  const Principal writer = principal(1, Role::writer);
  ASSERT_EQ(handle(writer, p::Execute{"CREATE TABLE r (id BIGINT PRIMARY KEY)", {}, "", "", {}}).code, StatusCode::ok);
  Result<CreatedKey> key = keys_->create(1, Role::reader, "", KeyActor{"test", ""});
  ASSERT_TRUE(key.ok());
  Principal reader;
  p::Hello hello;
  hello.api_key = key->key;
  ASSERT_EQ(handler_->hello(hello, 20, reader).code, StatusCode::ok);
  ASSERT_EQ(handle(reader, p::Execute{"BEGIN", {}, "", "", {}}).code, StatusCode::ok);
  EXPECT_EQ(handle(reader, p::Execute{"SELECT count(*) FROM r", {}, "", "", {}}).code, StatusCode::ok);
  handle(reader, p::Execute{"INSERT INTO r VALUES (1)", {}, "", "", {}});
  EXPECT_NE(handle(reader, p::Execute{"COMMIT", {}, "", "", {}}).code, StatusCode::ok);
  HandledRequest rows = handle(writer, p::Execute{"SELECT count(*) FROM r", {}, "", "", {}});
  EXPECT_EQ(std::get<p::ExecuteResponse>(rows.response).rows.at(0).at(0).as_int(), 0);
}

// The answers a DeferredCompletion received; waitable, since they may come from the flusher.
class Completions {
 public:
  DeferredCompletion completion() {
    return [this](HandledRequest handled) {
      std::lock_guard<std::mutex> lock(mutex_);
      answers_.push_back(std::move(handled));
      changed_.notify_all();
    };
  }
  HandledRequest wait_one() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return !answers_.empty(); });
    EXPECT_EQ(answers_.size(), 1u);
    return answers_.front();
  }
  std::size_t count() {
    std::lock_guard<std::mutex> lock(mutex_);
    return answers_.size();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<HandledRequest> answers_;
};

TEST_F(RequestHandlerTest, AutocommitExecuteIsAnsweredThroughTheCompletionOnceDurable) {
  const Principal writer = principal(1, Role::writer);
  const Principal reader = principal(1, Role::reader);
  const auto deferred = [&](const Principal& who, const std::string& sql, Completions& completions) {
    return handler_->handle(who, p::Execute{sql, {}, "", "", {}}, "127.0.0.1:1", nullptr, completions.completion());
  };
  Completions create;
  EXPECT_TRUE(deferred(writer, "CREATE TABLE t (id BIGINT PRIMARY KEY)", create).deferred);
  EXPECT_EQ(create.wait_one().code, StatusCode::ok);

  Completions insert;
  HandledRequest handled = deferred(writer, "INSERT INTO t VALUES (1)", insert);
  EXPECT_TRUE(handled.deferred);
  HandledRequest answer = insert.wait_one();
  ASSERT_EQ(answer.code, StatusCode::ok);
  const auto& response = std::get<p::ExecuteResponse>(answer.response);
  EXPECT_EQ(response.rows_affected, 1u);
  EXPECT_EQ(response.position, std::optional<kernel::Position>(1));
  HandledRequest count = handle(reader, p::Execute{"SELECT count(*) FROM t", {}, "", "", {}});
  EXPECT_EQ(std::get<p::ExecuteResponse>(count.response).rows.at(0).at(0).as_int(), 1);

  Completions read;
  EXPECT_TRUE(deferred(reader, "SELECT id FROM t", read).deferred);
  EXPECT_EQ(read.count(), 1u) << "a read is answered before handle() returns";
  EXPECT_EQ(read.wait_one().code, StatusCode::ok);

  // Errors before anything is written are answered synchronously; the completion is not used.
  for (const char* sql : {"INSERT INTO t VALUES (1)", "SELEKT", "INSERT INTO nowhere VALUES (1)"}) {
    Completions unused;
    HandledRequest refused = deferred(writer, sql, unused);
    EXPECT_FALSE(refused.deferred) << sql;
    EXPECT_NE(refused.code, StatusCode::ok) << sql;
    EXPECT_EQ(unused.count(), 0u) << sql;
  }
  Completions unused;
  HandledRequest refused = deferred(reader, "INSERT INTO t VALUES (2)", unused);
  EXPECT_FALSE(refused.deferred);
  EXPECT_EQ(refused.code, StatusCode::failed_precondition) << "a reader key still may not write";

  // Transactions keep the synchronous path.
  EXPECT_FALSE(deferred(writer, "BEGIN", unused).deferred);
  EXPECT_FALSE(deferred(writer, "INSERT INTO t VALUES (5)", unused).deferred);
  HandledRequest committed = deferred(writer, "COMMIT", unused);
  EXPECT_FALSE(committed.deferred);
  EXPECT_EQ(committed.code, StatusCode::ok);
  EXPECT_EQ(unused.count(), 0u);

  // A failed sync: the client hears the error, never a success.
  storage_.fail_next_syncs(1);
  Completions lost;
  EXPECT_TRUE(deferred(writer, "INSERT INTO t VALUES (3)", lost).deferred);
  HandledRequest failure = lost.wait_one();
  EXPECT_EQ(failure.code, StatusCode::io_error);
  EXPECT_TRUE(std::holds_alternative<p::Error>(failure.response));
  handler_->wait_for_deferred();
}

TEST(SqlConnectionsTest, RecognisesTransactionStarts) {
  EXPECT_TRUE(SqlConnections::begins_transaction("BEGIN"));
  EXPECT_TRUE(SqlConnections::begins_transaction("  begin;"));
  EXPECT_TRUE(SqlConnections::begins_transaction("/* x */ start transaction"));
  EXPECT_TRUE(SqlConnections::begins_transaction("-- c\nBEGIN"));
  EXPECT_FALSE(SqlConnections::begins_transaction("BEGINNING"));
  EXPECT_FALSE(SqlConnections::begins_transaction("SELECT 'BEGIN'"));
  EXPECT_FALSE(SqlConnections::begins_transaction(""));
}

}  // namespace
}  // namespace kmb::server
