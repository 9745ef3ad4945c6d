#include "kernel/overlay_state.h"

#include <gtest/gtest.h>

#include "kernel/reference_state.h"
#include "kernel/rows.h"

namespace kmb::kernel {
namespace {

ColumnDef column(std::string name, Type type, bool unique = false) {
  ColumnDef c;
  c.name = std::move(name);
  c.type = type;
  c.unique = unique;
  return c;
}

CommandRecord record(std::vector<Command> commands) {
  CommandRecord r;
  r.commands = std::move(commands);
  return r;
}

Row row(std::int64_t id, std::string email, std::int64_t n) {
  return Row{Value::integer(id), Value::text(std::move(email)), Value::integer(n)};
}

std::vector<std::pair<std::string, Row>> all_rows(const StateView& state, std::uint32_t table_id) {
  std::vector<std::pair<std::string, Row>> rows;
  state.scan_rows(table_id, [&](std::string_view key, const Row& r) {
    rows.emplace_back(std::string(key), r);
    return true;
  });
  return rows;
}

class OverlayStateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TableDef accounts;
    accounts.name = "accounts";
    accounts.columns = {column("id", Type::bigint), column("email", Type::text, true), column("n", Type::bigint)};
    accounts.primary_key = {0};
    TableDef events;
    events.name = "events";
    events.columns = {column("what", Type::text)};
    ASSERT_TRUE(base_.apply(record({CreateTable{accounts, false}, CreateTable{events, false}}), 0).ok());
    ASSERT_TRUE(
        base_.apply(record({InsertRows{"accounts", {row(1, "a", 10), row(2, "b", 20), row(5, "e", 50)}}}), 1).ok());
    overlay_.set_base(base_);
    direct_ = base_;
  }

  // Applies a record to the overlay and, directly, to a copy of the base: both must agree.
  Status apply(std::vector<Command> commands) {
    CommandRecord r = record(std::move(commands));
    Status status = overlay_.apply(r, 2);
    EXPECT_EQ(status.ok(), direct_.apply(r, next_position_++).ok()) << status.to_string();
    for (std::uint32_t table_id = 1; table_id <= 2; table_id++) {
      EXPECT_EQ(all_rows(overlay_, table_id), all_rows(direct_, table_id)) << "table " << table_id;
    }
    return status;
  }

  ReferenceState base_;
  ReferenceState direct_;
  OverlayState overlay_;
  Position next_position_ = 2;
};

TEST_F(OverlayStateTest, LayersRecordsLikeOneCombinedRecord) {
  ASSERT_TRUE(apply({InsertRows{"accounts", {row(3, "c", 30), row(0, "z", 0)}}}).ok());
  ASSERT_TRUE(apply({UpdateRows{"accounts", {{Value::integer(1)}}, {row(1, "a2", 11)}}}).ok());
  // Key moves: 5 -> 4, then the freed unique value "e" is taken by a new row.
  ASSERT_TRUE(apply({UpdateRows{"accounts", {{Value::integer(5)}}, {row(4, "d", 40)}}}).ok());
  ASSERT_TRUE(apply({InsertRows{"accounts", {row(6, "e", 60)}}}).ok());
  ASSERT_TRUE(apply({DeleteRows{"accounts", {{Value::integer(2)}, {Value::integer(3)}}}}).ok());
  // Inserted and deleted by the overlay: gone, and its unique value is free again.
  ASSERT_TRUE(apply({DeleteRows{"accounts", {{Value::integer(0)}}}}).ok());
  ASSERT_TRUE(apply({InsertRows{"accounts", {row(7, "z", 70)}}}).ok());
  const OverlayState::TableChanges* changes = overlay_.table_changes(1);
  ASSERT_NE(changes, nullptr);
  EXPECT_EQ(changes->size(), 8u);  // keys 0 to 7 were all touched
  EXPECT_EQ(overlay_.table_changes(2), nullptr);
}

TEST_F(OverlayStateTest, ConstraintViolationsAgainstEarlierRecordsChangeNothing) {
  ASSERT_TRUE(apply({InsertRows{"accounts", {row(3, "c", 30)}}}).ok());
  EXPECT_EQ(apply({InsertRows{"accounts", {row(3, "x", 1)}}}).code(), StatusCode::invalid_argument);
  EXPECT_EQ(apply({InsertRows{"accounts", {row(8, "c", 1)}}}).code(), StatusCode::invalid_argument);
  EXPECT_EQ(apply({UpdateRows{"accounts", {{Value::integer(1)}}, {row(1, "b", 1)}}}).code(),
            StatusCode::invalid_argument);
  EXPECT_EQ(apply({DeleteRows{"accounts", {{Value::integer(9)}}}}).code(), StatusCode::not_found);
  EXPECT_EQ(overlay_.table_changes(1)->size(), 1u);
}

TEST_F(OverlayStateTest, ImplicitRowIdsContinueAcrossRecords) {
  ASSERT_TRUE(apply({InsertRows{"events", {{Value::text("a")}, {Value::text("b")}}}}).ok());
  ASSERT_TRUE(apply({InsertRows{"events", {{Value::text("c")}}}}).ok());
  EXPECT_EQ(overlay_.table_changes(2)->size(), 3u);
  EXPECT_EQ(overlay_.catalog().find_table("events")->next_row_id, 4u);
  EXPECT_EQ(base_.catalog().find_table("events")->next_row_id, 1u);  // the base is untouched
}

TEST_F(OverlayStateTest, RefusesDefinitions) {
  TableDef other;
  other.name = "other";
  other.columns = {column("a", Type::bigint)};
  Status status = overlay_.apply(record({CreateTable{other, false}}), 2);
  EXPECT_EQ(status.code(), StatusCode::invalid_argument);
  EXPECT_TRUE(overlay_.empty());
}

}  // namespace
}  // namespace kmb::kernel
