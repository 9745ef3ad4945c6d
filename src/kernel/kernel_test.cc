#include "kernel/kernel.h"

#include <gtest/gtest.h>

#include "kernel/reference_state.h"
#include "kernel/rows.h"

namespace kmb::kernel {
namespace {

ColumnDef column(std::string name, Type type, bool not_null = false, bool unique = false) {
  ColumnDef c;
  c.name = std::move(name);
  c.type = type;
  c.not_null = not_null;
  c.unique = unique;
  return c;
}

Value i(std::int64_t v) {
  return Value::integer(v);
}
Value t(std::string v) {
  return Value::text(std::move(v));
}

CreateTable patients_table() {
  TableDef table;
  table.name = "patients";
  table.columns = {column("id", Type::integer), column("name", Type::text, true),
                   column("email", Type::text, false, true), column("age", Type::smallint)};
  table.primary_key = {0};
  return CreateTable{table, false};
}

class KernelTest : public ::testing::Test {
 protected:
  Status run(std::vector<Command> commands) {
    CommandRecord record;
    record.commands = std::move(commands);
    Status status = state_.apply(record, next_position_, 1000 + next_position_);
    if (status.ok()) next_position_++;
    return status;
  }
  Status run(Command command) { return run(std::vector<Command>{std::move(command)}); }

  // Runs a record that must be rejected, checks that the state did not change, returns the error.
  Status reject(std::vector<Command> commands) {
    const ReferenceState before = state_;
    const Position position = next_position_;
    Status status = run(std::move(commands));
    EXPECT_FALSE(status.ok());
    EXPECT_TRUE(before == state_);
    EXPECT_EQ(position, next_position_);
    return status;
  }
  Status reject(Command command) { return reject(std::vector<Command>{std::move(command)}); }

  Result<Effects> effects_of(std::vector<Command> commands) {
    CommandRecord record;
    record.commands = std::move(commands);
    return apply(state_, record, next_position_, 0);
  }

  const TableDef& table(std::string_view name) {
    const TableDef* def = state_.catalog().find_table(name);
    EXPECT_NE(def, nullptr) << name;
    return *def;
  }
  std::optional<Row> row(std::string_view table_name, const RowKey& key) {
    const TableDef& def = table(table_name);
    return state_.find_row(def.id, encode_key_string(key));
  }
  std::size_t row_count(std::string_view table_name) { return state_.rows(table(table_name).id).size(); }

  void make_patients() {
    ASSERT_TRUE(run(patients_table()).ok());
    ASSERT_TRUE(run(InsertRows{"patients",
                               {{i(1), t("Ada"), t("ada@x.org"), i(36)},
                                {i(2), t("Bob"), t("bob@x.org"), Value()},
                                {i(7), t("Cy"), Value(), i(50)}}})
                    .ok());
  }

  ReferenceState state_;
  Position next_position_ = 0;
};

void expect_error(const Status& status, StatusCode code, std::string_view message) {
  EXPECT_EQ(status.code(), code) << status.to_string();
  EXPECT_EQ(status.message(), message);
}

TEST_F(KernelTest, CreateTableAssignsIdsPositionsAndImplicitIndexes) {
  next_position_ = 5;
  ASSERT_TRUE(run(patients_table()).ok());
  const TableDef& def = table("PATIENTS");
  EXPECT_EQ(def.id, 1u);
  EXPECT_EQ(def.created_at, 5u);
  EXPECT_EQ(def.dropped_at, position_max);
  EXPECT_TRUE(def.columns[0].not_null);  // primary key
  for (const ColumnDef& c : def.columns) EXPECT_EQ(c.added_at, 5u);
  ASSERT_EQ(def.indexes.size(), 1u);
  EXPECT_EQ(def.indexes[0].name, "patients_email_key");
  EXPECT_TRUE(def.indexes[0].unique);
  EXPECT_EQ(def.indexes[0].columns, std::vector<std::uint32_t>{2});
  EXPECT_EQ(def.indexes[0].created_at, 5u);
  EXPECT_EQ(state_.catalog().next_index_id(), 2u);
}

TEST_F(KernelTest, CreateTableErrors) {
  ASSERT_TRUE(run(patients_table()).ok());
  expect_error(reject(patients_table()), StatusCode::already_exists, "table patients already exists");
  CreateTable again = patients_table();
  again.if_not_exists = true;
  const ReferenceState before = state_;
  EXPECT_TRUE(run(again).ok());
  EXPECT_TRUE(before == state_);

  CreateTable empty;
  empty.table.name = "empty";
  EXPECT_EQ(reject(empty).code(), StatusCode::invalid_argument);
  CreateTable duplicate = patients_table();
  duplicate.table.name = "dup";
  duplicate.table.columns[1].name = "ID";
  EXPECT_EQ(reject(duplicate).code(), StatusCode::invalid_argument);
  CreateTable bad_key = patients_table();
  bad_key.table.name = "bad_key";
  bad_key.table.primary_key = {9};
  EXPECT_EQ(reject(bad_key).code(), StatusCode::invalid_argument);
  CreateTable bad_default = patients_table();
  bad_default.table.name = "bad_default";
  bad_default.table.columns[3].default_value = t("old");
  EXPECT_EQ(reject(bad_default).code(), StatusCode::invalid_argument);
  CreateTable no_name = patients_table();
  no_name.table.name = "";
  EXPECT_EQ(reject(no_name).code(), StatusCode::invalid_argument);
  CreateTable long_name = patients_table();
  long_name.table.name = std::string(identifier_size_max_bytes + 1, 'x');
  EXPECT_EQ(reject(long_name).code(), StatusCode::invalid_argument);
}

TEST_F(KernelTest, PrimaryKeyConflict) {
  make_patients();
  expect_error(reject(InsertRows{"patients", {{i(7), t("Dup"), Value(), Value()}}}), StatusCode::invalid_argument,
               "duplicate key value violates primary key of table patients: (id)=(7)");
  // Within one command, and within one record.
  EXPECT_EQ(reject(InsertRows{"patients", {{i(8), t("A"), Value(), Value()}, {i(8), t("B"), Value(), Value()}}}).code(),
            StatusCode::invalid_argument);
  EXPECT_EQ(reject({InsertRows{"patients", {{i(9), t("A"), Value(), Value()}}},
                    InsertRows{"patients", {{i(9), t("B"), Value(), Value()}}}})
                .code(),
            StatusCode::invalid_argument);
}

TEST_F(KernelTest, UniqueColumnAndUniqueIndex) {
  make_patients();
  expect_error(reject(InsertRows{"patients", {{i(8), t("Eve"), t("ada@x.org"), Value()}}}), StatusCode::invalid_argument,
               "duplicate key value violates unique index patients_email_key of table patients: (email)=(ada@x.org)");
  // NULLs never conflict.
  EXPECT_TRUE(
      run(InsertRows{"patients", {{i(8), t("Eve"), Value(), Value()}, {i(9), t("Fay"), Value(), Value()}}}).ok());
  // A multi-column unique index.
  ASSERT_TRUE(run(CreateIndex{"patients", "name_age", {"name", "age"}, true, false}).ok());
  EXPECT_TRUE(run(InsertRows{"patients", {{i(10), t("Ada"), Value(), i(37)}}}).ok());
  expect_error(reject(InsertRows{"patients", {{i(11), t("Ada"), Value(), i(37)}}}), StatusCode::invalid_argument,
               "duplicate key value violates unique index name_age of table patients: (name, age)=(Ada, 37)");
  // Updating a row to its own value is not a conflict.
  EXPECT_TRUE(run(UpdateRows{"patients", {{i(1)}}, {{i(1), t("Ada"), t("ada@x.org"), i(36)}}}).ok());
  // Moving a value away frees it within the same record.
  EXPECT_TRUE(run({UpdateRows{"patients", {{i(1)}}, {{i(1), t("Ada"), t("new@x.org"), i(36)}}},
                   InsertRows{"patients", {{i(12), t("Gus"), t("ada@x.org"), Value()}}}})
                  .ok());
}

TEST_F(KernelTest, TypeChecks) {
  make_patients();
  expect_error(reject(InsertRows{"patients", {{i(8), i(5), Value(), Value()}}}), StatusCode::invalid_argument,
               "column name of table patients has type TEXT but the value 5 has type BIGINT");
  expect_error(reject(InsertRows{"patients", {{i(8), t("X"), Value(), i(40000)}}}), StatusCode::invalid_argument,
               "value 40000 is out of range for column age of table patients of type SMALLINT");
  EXPECT_EQ(reject(InsertRows{"patients", {{i(1LL << 40), t("X"), Value(), Value()}}}).code(),
            StatusCode::invalid_argument);  // INTEGER range
  EXPECT_EQ(reject(InsertRows{"patients", {{Value::floating(8), t("X"), Value(), Value()}}}).code(),
            StatusCode::invalid_argument);
  // Integers of any width are one family: stored with the column's exact type.
  ASSERT_TRUE(run(InsertRows{"patients", {{Value::integer(8, Type::smallint), t("X"), Value(), i(3)}}}).ok());
  const std::optional<Row> stored = row("patients", {i(8)});
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ((*stored)[0].type(), Type::integer);
  EXPECT_EQ((*stored)[3].type(), Type::smallint);
}

TEST_F(KernelTest, EveryTypeFamily) {
  TableDef def;
  def.name = "all_types";
  def.columns = {column("b", Type::boolean), column("r", Type::real),       column("d", Type::double_precision),
                 column("n", Type::decimal), column("s", Type::text),       column("y", Type::bytes),
                 column("dt", Type::date),   column("ts", Type::timestamp), column("u", Type::uuid),
                 column("j", Type::json)};
  ASSERT_TRUE(run(CreateTable{def, false}).ok());
  const Row good = {Value::boolean(true),
                    Value::floating(1.5),
                    Value::floating(2.5, Type::real),
                    Value::decimal({125, 2}),
                    t("x"),
                    Value::bytes({1}),
                    Value::date(3),
                    Value::timestamp(4),
                    Value::uuid(Uuid{}),
                    Value::json("{}")};
  ASSERT_TRUE(run(InsertRows{"all_types", {good}}).ok());
  const Row stored = state_.rows(table("all_types").id).begin()->second;
  EXPECT_EQ(stored[1].type(), Type::real);
  EXPECT_EQ(stored[2].type(), Type::double_precision);
  for (std::size_t column_index = 0; column_index < good.size(); column_index++) {
    Row bad = good;
    // Each column given the next column's value (a different family) must be rejected.
    bad[column_index] = good[(column_index + (column_index == 1 ? 2 : 1)) % good.size()];
    EXPECT_EQ(reject(InsertRows{"all_types", {bad}}).code(), StatusCode::invalid_argument) << column_index;
  }
  Row dates_swapped = good;
  dates_swapped[6] = Value::timestamp(3);
  EXPECT_EQ(reject(InsertRows{"all_types", {dates_swapped}}).code(), StatusCode::invalid_argument);
  Row text_as_json = good;
  text_as_json[9] = t("{}");
  EXPECT_EQ(reject(InsertRows{"all_types", {text_as_json}}).code(), StatusCode::invalid_argument);
}

TEST_F(KernelTest, NotNullAndArity) {
  make_patients();
  expect_error(reject(InsertRows{"patients", {{i(8), Value(), Value(), Value()}}}), StatusCode::invalid_argument,
               "null value in column name of table patients violates not-null constraint");
  expect_error(reject(InsertRows{"patients", {{i(8), t("X")}}}), StatusCode::invalid_argument,
               "table patients has 4 columns but the row has 2 values");
  EXPECT_EQ(reject(InsertRows{"patients", {{Value(), t("X"), Value(), Value()}}}).code(), StatusCode::invalid_argument);
  EXPECT_EQ(reject(UpdateRows{"patients", {{i(1)}}, {{i(1), Value(), Value(), Value()}}}).code(),
            StatusCode::invalid_argument);
}

TEST_F(KernelTest, UnknownNames) {
  make_patients();
  expect_error(reject(InsertRows{"nope", {}}), StatusCode::not_found, "table nope does not exist");
  EXPECT_EQ(reject(UpdateRows{"nope", {}, {}}).code(), StatusCode::not_found);
  EXPECT_EQ(reject(DeleteRows{"nope", {}}).code(), StatusCode::not_found);
  EXPECT_EQ(reject(DropTable{"nope", false}).code(), StatusCode::not_found);
  EXPECT_TRUE(run(DropTable{"nope", true}).ok());
  EXPECT_EQ(reject(AddColumn{"nope", column("x", Type::text)}).code(), StatusCode::not_found);
  expect_error(reject(DropColumn{"patients", "nope"}), StatusCode::not_found,
               "column nope of table patients does not exist");
  EXPECT_EQ(reject(CreateIndex{"patients", "i", {"nope"}, false, false}).code(), StatusCode::not_found);
  EXPECT_EQ(reject(CreateIndex{"nope", "i", {"id"}, false, false}).code(), StatusCode::not_found);
  expect_error(reject(DropIndex{"nope", false}), StatusCode::not_found, "index nope does not exist");
  EXPECT_TRUE(run(DropIndex{"nope", true}).ok());
  EXPECT_EQ(reject(AppendEvents{"nope", std::nullopt, {}}).code(), StatusCode::not_found);
}

TEST_F(KernelTest, UpdateAndDeleteOfMissingKeys) {
  make_patients();
  expect_error(reject(UpdateRows{"patients", {{i(99)}}, {{i(99), t("X"), Value(), Value()}}}), StatusCode::not_found,
               "no row with key (99) in table patients");
  expect_error(reject(DeleteRows{"patients", {{i(99)}}}), StatusCode::not_found,
               "no row with key (99) in table patients");
  EXPECT_EQ(reject(DeleteRows{"patients", {{i(1)}, {i(1)}}}).code(), StatusCode::not_found);
  EXPECT_EQ(reject(DeleteRows{"patients", {{t("1")}}}).code(), StatusCode::invalid_argument);
  EXPECT_EQ(reject(DeleteRows{"patients", {{i(1), i(2)}}}).code(), StatusCode::invalid_argument);
  EXPECT_EQ(reject(UpdateRows{"patients", {{i(1)}}, {}}).code(), StatusCode::invalid_argument);
  EXPECT_EQ(
      reject(UpdateRows{
                 "patients", {{i(1)}, {i(1)}}, {{i(1), t("A"), Value(), Value()}, {i(1), t("B"), Value(), Value()}}})
          .code(),
      StatusCode::invalid_argument);
  ASSERT_TRUE(run(DeleteRows{"patients", {{i(1)}, {i(2)}}}).ok());
  EXPECT_EQ(row_count("patients"), 1u);
}

TEST_F(KernelTest, UpdateThatShiftsPrimaryKeys) {
  make_patients();
  // id = id + 1 over (1, 2): 1 -> 2 would collide with the old 2 if checked row by row.
  ASSERT_TRUE(run(UpdateRows{"patients",
                             {{i(1)}, {i(2)}},
                             {{i(2), t("Ada"), t("ada@x.org"), i(36)}, {i(3), t("Bob"), t("bob@x.org"), Value()}}})
                  .ok());
  EXPECT_FALSE(row("patients", {i(1)}).has_value());
  EXPECT_EQ((*row("patients", {i(2)}))[1], t("Ada"));
  EXPECT_EQ((*row("patients", {i(3)}))[1], t("Bob"));
  // Swapping unique values in one command works too.
  ASSERT_TRUE(run(UpdateRows{"patients",
                             {{i(2)}, {i(3)}},
                             {{i(2), t("Ada"), t("bob@x.org"), i(36)}, {i(3), t("Bob"), t("ada@x.org"), Value()}}})
                  .ok());
  // Moving onto an existing key is a conflict.
  expect_error(reject(UpdateRows{"patients", {{i(2)}}, {{i(7), t("Ada"), Value(), Value()}}}),
               StatusCode::invalid_argument, "duplicate key value violates primary key of table patients: (id)=(7)");
}

TEST_F(KernelTest, ImplicitRowIds) {
  TableDef def;
  def.name = "log";
  def.columns = {column("line", Type::text)};
  ASSERT_TRUE(run(CreateTable{def, false}).ok());
  ASSERT_TRUE(run(InsertRows{"log", {{t("a")}, {t("b")}}}).ok());
  ASSERT_TRUE(run(InsertRows{"log", {{t("c")}}}).ok());
  EXPECT_EQ(table("log").next_row_id, 4u);
  EXPECT_EQ((*row("log", row_id_key(3)))[0], t("c"));
  ASSERT_TRUE(run(DeleteRows{"log", {row_id_key(3)}}).ok());
  ASSERT_TRUE(run(InsertRows{"log", {{t("d")}}}).ok());
  EXPECT_EQ((*row("log", row_id_key(4)))[0], t("d"));  // ids are never reused
  ASSERT_TRUE(run(UpdateRows{"log", {row_id_key(1)}, {{t("A")}}}).ok());
  EXPECT_EQ((*row("log", row_id_key(1)))[0], t("A"));
  // A rejected record does not consume row ids.
  EXPECT_EQ(reject({InsertRows{"log", {{t("e")}}}, InsertRows{"log", {{i(1)}}}}).code(), StatusCode::invalid_argument);
  EXPECT_EQ(table("log").next_row_id, 5u);
}

TEST_F(KernelTest, AddAndDropColumns) {
  make_patients();
  expect_error(reject(DropColumn{"patients", "id"}), StatusCode::invalid_argument,
               "cannot drop column id of table patients: it is part of the primary key");
  EXPECT_EQ(reject(AddColumn{"patients", column("name", Type::text)}).code(), StatusCode::already_exists);
  expect_error(reject(AddColumn{"patients", column("ward", Type::text, true)}), StatusCode::invalid_argument,
               "column ward of table patients contains null values");
  ColumnDef ward = column("ward", Type::text, true);
  ward.default_value = t("A");
  next_position_ = 10;
  ASSERT_TRUE(run(AddColumn{"patients", ward}).ok());
  EXPECT_EQ(table("patients").columns[4].added_at, 10u);
  EXPECT_EQ((*row("patients", {i(1)}))[4], t("A"));  // existing rows read the default
  ASSERT_TRUE(run(DropColumn{"patients", "email"}).ok());
  EXPECT_EQ(table("patients").columns[2].dropped_at, 11u);
  EXPECT_EQ(table("patients").indexes[0].dropped_at, 11u);  // its unique index went with it
  // Rows now have 4 live values; the dropped column is stored as NULL.
  ASSERT_TRUE(run(InsertRows{"patients", {{i(20), t("New"), i(5), t("B")}}}).ok());
  const Row stored = state_.rows(table("patients").id).at(encode_key_string({i(20)}));
  EXPECT_EQ(stored.size(), 5u);
  EXPECT_TRUE(stored[2].is_null());
  // The name can be reused; the new column is a different entry.
  ASSERT_TRUE(run(AddColumn{"patients", column("email", Type::bytes)}).ok());
  EXPECT_EQ(table("patients").find_column("email"), 5u);
  // A UNIQUE column added with a constant default collides as soon as there are two rows.
  ColumnDef code = column("code", Type::integer, false, true);
  code.default_value = i(1);
  EXPECT_EQ(reject(AddColumn{"patients", code}).code(), StatusCode::invalid_argument);
  code.default_value.reset();
  ASSERT_TRUE(run(AddColumn{"patients", code}).ok());
  EXPECT_EQ(table("patients").indexes.back().name, "patients_code_key");
}

TEST_F(KernelTest, DropLastColumnIsRejected) {
  TableDef def;
  def.name = "one";
  def.columns = {column("a", Type::text), column("b", Type::text)};
  ASSERT_TRUE(run(CreateTable{def, false}).ok());
  ASSERT_TRUE(run(DropColumn{"one", "a"}).ok());
  EXPECT_EQ(reject(DropColumn{"one", "b"}).code(), StatusCode::invalid_argument);
}

TEST_F(KernelTest, Indexes) {
  make_patients();
  ASSERT_TRUE(run(InsertRows{"patients", {{i(8), t("Ada"), Value(), Value()}}}).ok());
  expect_error(reject(CreateIndex{"patients", "by_name", {"name"}, true, false}), StatusCode::invalid_argument,
               "could not create unique index by_name on table patients: key (name)=(Ada) is duplicated");
  ASSERT_TRUE(run(CreateIndex{"patients", "by_name", {"name"}, false, false}).ok());
  EXPECT_EQ(reject(CreateIndex{"patients", "BY_NAME", {"age"}, false, false}).code(), StatusCode::already_exists);
  EXPECT_TRUE(run(CreateIndex{"patients", "by_name", {"age"}, false, true}).ok());
  EXPECT_EQ(reject(CreateIndex{"patients", "twice", {"age", "age"}, false, false}).code(),
            StatusCode::invalid_argument);
  EXPECT_EQ(reject(CreateIndex{"patients", "none", {}, false, false}).code(), StatusCode::invalid_argument);
  expect_error(reject(DropIndex{"patients_email_key", false}), StatusCode::invalid_argument,
               "cannot drop index patients_email_key: it enforces UNIQUE on column email of table patients");
  next_position_ = 20;
  ASSERT_TRUE(run(DropIndex{"by_name", false}).ok());
  EXPECT_EQ(table("patients").indexes[1].dropped_at, 20u);
  ASSERT_TRUE(run(CreateIndex{"patients", "by_name", {"age"}, false, false}).ok());  // the name is free again
  // A unique index created in the same record as conflicting inserts.
  EXPECT_EQ(reject({CreateIndex{"patients", "u_age", {"age"}, true, false},
                    InsertRows{"patients", {{i(30), t("Z"), Value(), i(36)}}}})
                .code(),
            StatusCode::invalid_argument);
}

TEST_F(KernelTest, DropTableThenCreateAgain) {
  make_patients();
  next_position_ = 10;
  ASSERT_TRUE(run(DropTable{"patients", false}).ok());
  EXPECT_EQ(state_.catalog().tables()[0].dropped_at, 10u);
  EXPECT_EQ(state_.catalog().tables()[0].indexes[0].dropped_at, 10u);
  EXPECT_EQ(reject(InsertRows{"patients", {{i(1), t("A"), Value(), Value()}}}).code(), StatusCode::not_found);
  ASSERT_TRUE(run(patients_table()).ok());
  EXPECT_EQ(table("patients").id, 2u);
  EXPECT_EQ(row_count("patients"), 0u);
  // The implicit index name was freed by the drop.
  EXPECT_EQ(table("patients").indexes[0].name, "patients_email_key");
  ASSERT_TRUE(run(InsertRows{"patients", {{i(1), t("A"), t("ada@x.org"), Value()}}}).ok());
}

TEST_F(KernelTest, Streams) {
  ASSERT_TRUE(run(CreateStream{"orders", false}).ok());
  EXPECT_EQ(reject(CreateStream{"ORDERS", false}).code(), StatusCode::already_exists);
  EXPECT_TRUE(run(CreateStream{"orders", true}).ok());
  ASSERT_TRUE(run(AppendEvents{"orders", 0, {Bytes{1}, Bytes{2}}}).ok());
  ASSERT_TRUE(run(AppendEvents{"orders", std::nullopt, {Bytes{3}}}).ok());
  expect_error(reject(AppendEvents{"orders", 2, {Bytes{4}}}), StatusCode::aborted,
               "stream orders is at offset 3, expected 2");
  // Two appends in one record see each other.
  ASSERT_TRUE(run({AppendEvents{"orders", 3, {Bytes{4}}}, AppendEvents{"orders", 4, {Bytes{5}}}}).ok());
  EXPECT_EQ(state_.catalog().find_stream("orders")->event_count, 5u);
  EXPECT_EQ(state_.events().at(1).size(), 5u);
}

TEST_F(KernelTest, RejectedRecordChangesNothing) {
  make_patients();
  ASSERT_TRUE(run(CreateStream{"s", false}).ok());
  // Every kind of change first, then a failure at the end.
  EXPECT_EQ(reject(CreateTable{patients_table().table, false}).code(), StatusCode::already_exists);
  TableDef other;
  other.name = "other";
  other.columns = {column("x", Type::text)};
  expect_error(reject({CreateTable{other, false}, InsertRows{"other", {{t("a")}}},
                       CreateIndex{"patients", "ix", {"age"}, false, false},
                       UpdateRows{"patients", {{i(1)}}, {{i(1), t("Q"), Value(), Value()}}},
                       DeleteRows{"patients", {{i(2)}}}, AddColumn{"patients", column("z", Type::text)},
                       AppendEvents{"s", 0, {Bytes{1}}}, DropTable{"patients", false}, DropTable{"patients", false}}),
               StatusCode::not_found, "table patients does not exist");
}

TEST_F(KernelTest, EffectsAreNetPerKey) {
  make_patients();
  // Insert then update: one insert with the final value.
  Result<Effects> effects = effects_of({InsertRows{"patients", {{i(50), t("A"), Value(), Value()}}},
                                        UpdateRows{"patients", {{i(50)}}, {{i(50), t("B"), Value(), Value()}}}});
  ASSERT_TRUE(effects.ok()) << effects.status().to_string();
  ASSERT_EQ(effects->row_changes.size(), 1u);
  EXPECT_EQ(effects->row_changes[0].operation(), RowOperation::insert);
  EXPECT_EQ((*effects->row_changes[0].after)[1], t("B"));
  EXPECT_FALSE(effects->catalog.has_value());
  // Insert then delete: nothing.
  effects =
      effects_of({InsertRows{"patients", {{i(50), t("A"), Value(), Value()}}}, DeleteRows{"patients", {{i(50)}}}});
  ASSERT_TRUE(effects.ok());
  EXPECT_TRUE(effects->changes_nothing());
  // Delete then insert the same key: an update, with the before image.
  effects = effects_of({DeleteRows{"patients", {{i(1)}}}, InsertRows{"patients", {{i(1), t("N"), Value(), Value()}}}});
  ASSERT_TRUE(effects.ok());
  ASSERT_EQ(effects->row_changes.size(), 1u);
  EXPECT_EQ(effects->row_changes[0].operation(), RowOperation::update);
  EXPECT_EQ((*effects->row_changes[0].before)[1], t("Ada"));
  // Changes are sorted by key, whatever the command order.
  effects = effects_of({DeleteRows{"patients", {{i(7)}, {i(1)}}}});
  ASSERT_TRUE(effects.ok());
  ASSERT_EQ(effects->row_changes.size(), 2u);
  EXPECT_LT(effects->row_changes[0].key, effects->row_changes[1].key);
  EXPECT_EQ(effects->row_changes[0].operation(), RowOperation::remove);
  // DDL carries the whole new catalog.
  effects = effects_of({AddColumn{"patients", column("z", Type::text)}});
  ASSERT_TRUE(effects.ok());
  ASSERT_TRUE(effects->catalog.has_value());
  EXPECT_EQ(effects->catalog->find_table("patients")->columns.size(), 5u);
}

TEST_F(KernelTest, KernelIsDeterministic) {
  make_patients();
  CommandRecord record;
  record.commands = {InsertRows{"patients", {{i(60), t("A"), t("a@b"), Value()}}}, DeleteRows{"patients", {{i(2)}}}};
  ReferenceState copy = state_;
  ASSERT_TRUE(state_.apply(record, 100, 5).ok());
  ASSERT_TRUE(copy.apply(record, 100, 5).ok());
  EXPECT_TRUE(copy == state_);
}

}  // namespace
}  // namespace kmb::kernel
