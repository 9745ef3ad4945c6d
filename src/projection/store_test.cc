#include "projection/store.h"

#include <gtest/gtest.h>

#include "projection/test_support.h"

namespace kmb::projection {
namespace {

using namespace kmb::projection::testing;
using kernel::Row;
using kernel::Type;
using kernel::Value;

class StoreTest : public ::testing::Test {
 protected:
  // Applies one record at the next position (timestamp 1000 * (position + 1)); returns the position.
  Position apply(std::vector<kernel::Command> commands, std::string actor = "dr.smith", std::string reason = "care") {
    const Position position = next_;
    Status status = try_apply(std::move(commands), std::move(actor), std::move(reason));
    EXPECT_TRUE(status.ok()) << status.to_string();
    return position;
  }
  Position apply(kernel::Command command) { return apply(std::vector<kernel::Command>{std::move(command)}); }
  Status try_apply(std::vector<kernel::Command> commands, std::string actor = "dr.smith", std::string reason = "care") {
    kernel::CommandRecord record;
    record.actor = std::move(actor);
    record.statement = "statement " + std::to_string(next_);
    record.commands = std::move(commands);
    Status status = store_.apply(record, next_, timestamp(next_), 42, reason);
    if (status.ok()) next_++;
    return status;
  }
  static std::uint64_t timestamp(Position p) { return 1000 * (p + 1); }

  std::unique_ptr<TableView> table(std::string_view name, Position as_of) {
    view_ = store_.view(store_.last_position());
    Result<std::unique_ptr<TableView>> result = view_->table(name, as_of);
    EXPECT_TRUE(result.ok()) << result.status().to_string();
    return result.ok() ? std::move(result).value() : nullptr;
  }
  std::vector<Row> rows(std::string_view name, Position as_of) {
    std::vector<Row> out;
    for (const RowVersion& v : collect_scan(*table(name, as_of))) out.push_back(v.row);
    return out;
  }
  std::optional<RowVersion> get(std::string_view name, Position as_of, const kernel::RowKey& key) {
    Result<std::optional<RowVersion>> result = table(name, as_of)->get(key);
    EXPECT_TRUE(result.ok());
    return result.ok() ? *result : std::nullopt;
  }
  std::uint32_t index_id(std::string_view table_name, std::string_view index_name) {
    for (const kernel::IndexDef& index : store_.catalog().find_table(table_name)->indexes) {
      if (index.name == index_name) return index.id;
    }
    ADD_FAILURE() << index_name;
    return 0;
  }

  Position make_patients() {
    apply(table_def("patients",
                    {column("id", Type::bigint), column("name", Type::text, true), column("ward", Type::text)}, {0}));
    return apply(
        kernel::InsertRows{"patients", {{i(1), t("Ada"), t("A")}, {i(2), t("Bob"), t("B")}, {i(3), t("Cy"), t("A")}}});
  }

  Store store_;
  Position next_ = 0;
  std::unique_ptr<ReadView> view_;
};

TEST_F(StoreTest, EmptyStore) {
  EXPECT_FALSE(store_.last_position().has_value());
  std::unique_ptr<ReadView> view = store_.view(std::nullopt);
  EXPECT_FALSE(view->position().has_value());
  EXPECT_FALSE(view->first_position().has_value());
  Result<std::unique_ptr<TableView>> result = view->table("t", 0);
  EXPECT_EQ(result.status().code(), StatusCode::invalid_argument);
  EXPECT_EQ(result.status().message(), "position 0 is in the future; the log is empty");
  EXPECT_EQ(view->position_at_timestamp(5).status().code(), StatusCode::invalid_argument);
}

TEST_F(StoreTest, VisibilityPerPosition) {
  const Position inserted = make_patients();
  const Position updated = apply(kernel::UpdateRows{"patients", {{i(2)}}, {{i(2), t("Bob"), t("C")}}});
  const Position deleted = apply(kernel::DeleteRows{"patients", {{i(1)}}});
  EXPECT_EQ(rows("patients", inserted - 1).size(), 0u);  // created, still empty
  EXPECT_EQ(rows("patients", inserted).size(), 3u);
  EXPECT_EQ(get("patients", inserted, {i(2)})->row[2], t("B"));
  EXPECT_EQ(get("patients", updated, {i(2)})->row[2], t("C"));
  EXPECT_TRUE(get("patients", updated, {i(1)}).has_value());
  EXPECT_FALSE(get("patients", deleted, {i(1)}).has_value());
  EXPECT_EQ(rows("patients", deleted), (std::vector<Row>{{i(2), t("Bob"), t("C")}, {i(3), t("Cy"), t("A")}}));

  const RowVersion old = *get("patients", inserted, {i(2)});
  EXPECT_EQ(old.created_at, inserted);
  EXPECT_EQ(old.created_ns, timestamp(inserted));
  EXPECT_EQ(old.superseded_at, updated);
  EXPECT_EQ(old.superseded_ns, timestamp(updated));
  EXPECT_EQ(old.actor, "dr.smith");
  EXPECT_EQ(old.reason, "care");
  EXPECT_EQ(old.operation, "INSERT");
  EXPECT_EQ(old.key, (kernel::RowKey{i(2)}));
  const RowVersion current = *get("patients", deleted, {i(2)});
  EXPECT_EQ(current.operation, "UPDATE");
  EXPECT_EQ(current.superseded_at, kernel::position_max);
  EXPECT_EQ(current.superseded_ns, 0u);
  // Lookups convert numerically equal keys.
  EXPECT_TRUE(get("patients", deleted, {Value::integer(2, Type::smallint)}).has_value());
  EXPECT_TRUE(get("patients", deleted, {Value::floating(2.0)}).has_value());
  EXPECT_FALSE(get("patients", deleted, {Value::floating(2.5)}).has_value());
  EXPECT_FALSE(get("patients", deleted, {t("2")}).has_value());
  EXPECT_FALSE(get("patients", deleted, {i(2), i(3)}).has_value());
}

TEST_F(StoreTest, SupersessionBeyondTheViewIsHidden) {
  const Position inserted = make_patients();
  const Position updated = apply(kernel::UpdateRows{"patients", {{i(2)}}, {{i(2), t("Bob"), t("C")}}});
  std::unique_ptr<ReadView> durable = store_.view(inserted);  // the update is not durable yet
  EXPECT_EQ(durable->position(), inserted);
  Result<std::unique_ptr<TableView>> result = durable->table("patients", inserted);
  ASSERT_TRUE(result.ok());
  Result<std::optional<RowVersion>> row = (*result)->get({i(2)});
  ASSERT_TRUE(row.ok());
  EXPECT_EQ((*row)->superseded_at, kernel::position_max);
  EXPECT_EQ((*row)->row[2], t("B"));
  result = durable->table("patients", updated);
  EXPECT_EQ(result.status().code(), StatusCode::invalid_argument);
  EXPECT_EQ(result.status().message(),
            "position " + std::to_string(updated) + " is in the future; the latest is " + std::to_string(inserted));
}

TEST_F(StoreTest, TombstonesOnlyInHistory) {
  const Position inserted = make_patients();
  const Position deleted = apply(kernel::DeleteRows{"patients", {{i(1)}}});
  const Position reinserted = apply(kernel::InsertRows{"patients", {{i(1), t("Ada 2"), Value()}}});
  for (const RowVersion& v : collect_scan(*table("patients", deleted))) EXPECT_FALSE(v.tombstone);
  const std::vector<RowVersion> history = collect_history(*table("patients", reinserted), 0, reinserted);
  // Key 1: insert, tombstone, insert; keys 2 and 3: one version each.
  ASSERT_EQ(history.size(), 5u);
  EXPECT_EQ(history[0].operation, "INSERT");
  EXPECT_EQ(history[0].superseded_at, deleted);
  EXPECT_TRUE(history[1].tombstone);
  EXPECT_EQ(history[1].operation, "DELETE");
  EXPECT_EQ(history[1].row, (Row{i(1), t("Ada"), t("A")}));  // what was deleted
  EXPECT_EQ(history[1].created_at, deleted);
  EXPECT_EQ(history[1].superseded_at, reinserted);
  EXPECT_FALSE(history[1].visible_at(deleted));
  EXPECT_EQ(history[2].row[1], t("Ada 2"));
  // A closed range picks versions whose lifetime overlaps it.
  EXPECT_EQ(collect_history(*table("patients", reinserted), deleted, deleted).size(), 3u);  // tombstone + 2, 3
  EXPECT_EQ(collect_history(*table("patients", reinserted), inserted, inserted).size(), 3u);
  // History never goes past the view's as_of.
  EXPECT_EQ(collect_history(*table("patients", inserted), 0, reinserted).size(), 3u);
}

TEST_F(StoreTest, ImplicitRowIds) {
  apply(table_def("notes", {column("body", Type::text)}, {}));
  const Position p = apply(kernel::InsertRows{"notes", {{t("a")}, {t("b")}, {t("c")}}});
  apply(kernel::DeleteRows{"notes", {kernel::row_id_key(2)}});
  const std::vector<RowVersion> all = collect_scan(*table("notes", p));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].key, kernel::row_id_key(1));
  EXPECT_EQ(all[2].key, kernel::row_id_key(3));
  EXPECT_EQ(all[2].row, (Row{t("c")}));
  EXPECT_EQ(keys_of(collect_scan(*table("notes", p + 1))),
            (std::vector<kernel::RowKey>{kernel::row_id_key(1), kernel::row_id_key(3)}));
  EXPECT_EQ(get("notes", p + 1, {i(3)})->row, (Row{t("c")}));
  EXPECT_EQ(store_.catalog().find_table("notes")->next_row_id, 4u);
}

TEST_F(StoreTest, CompositeKeysAndRanges) {
  apply(table_def("visits", {column("patient", Type::integer), column("day", Type::text), column("note", Type::text)},
                  {0, 1}));
  const Position p = apply(kernel::InsertRows{"visits",
                                              {{i(1), t("mon"), t("a")},
                                               {i(1), t("tue"), t("b")},
                                               {i(2), t("mon"), t("c")},
                                               {i(2), t("wed"), t("d")},
                                               {i(3), t("fri"), t("e")},
                                               {i(-5), t("sun"), t("f")}}});
  auto view = table("visits", p);
  auto notes = [](const std::vector<RowVersion>& versions) {
    std::string out;
    for (const RowVersion& v : versions) out += v.row[2].as_string();
    return out;
  };
  EXPECT_EQ(notes(collect_scan(*view)), "fabcde");  // -5 sorts first
  EXPECT_EQ(get("visits", p, {i(2), t("wed")})->key, (kernel::RowKey{Value::integer(2, Type::integer), t("wed")}));
  // Prefix bounds: patient = 2.
  EXPECT_EQ(notes(collect_range(*view, bound({i(2)}), bound({i(2)}))), "cd");
  // patient > 1 (exclusive prefix skips every key starting with 1), patient < 3.
  EXPECT_EQ(notes(collect_range(*view, bound({i(1)}, false), bound({i(3)}, false))), "cd");
  // patient >= 1 and <= 2, full-key bounds.
  EXPECT_EQ(notes(collect_range(*view, bound({i(1), t("tue")}), bound({i(2), t("mon")}))), "bc");
  EXPECT_EQ(notes(collect_range(*view, bound({i(1), t("tue")}, false), bound({i(2), t("wed")}, false))), "c");
  EXPECT_EQ(notes(collect_range(*view, std::nullopt, bound({i(1)}))), "fab");
  EXPECT_EQ(notes(collect_range(*view, bound({i(2)}, false), std::nullopt)), "e");
  EXPECT_EQ(notes(collect_range(*view, bound({i(9)}), std::nullopt)), "");
  // Stopping early.
  int seen = 0;
  ASSERT_TRUE(view->scan([&seen](const RowVersion&) { return ++seen < 2; }).ok());
  EXPECT_EQ(seen, 2);
}

TEST_F(StoreTest, SecondaryIndexCurrentAndAsOf) {
  const Position inserted = make_patients();
  const Position indexed = apply(kernel::CreateIndex{"patients", "by_ward", {"ward"}, false, false});
  const std::uint32_t by_ward = index_id("patients", "by_ward");
  const Position moved = apply(kernel::UpdateRows{"patients", {{i(1)}}, {{i(1), t("Ada"), t("B")}}});
  const Position renamed = apply(kernel::UpdateRows{"patients", {{i(2)}}, {{i(2), t("Bobby"), t("B")}}});
  const Position deleted = apply(kernel::DeleteRows{"patients", {{i(3)}}});
  const Position added = apply(kernel::InsertRows{"patients", {{i(4), t("Di"), t("A")}, {i(5), t("Ed"), Value()}}});

  auto ids = [](const std::vector<RowVersion>& versions) {
    std::vector<std::int64_t> out;
    for (const RowVersion& v : versions) out.push_back(v.key[0].as_int());
    return out;
  };
  // Before the index existed: not_found.
  auto before = table("patients", inserted);
  Status status = before->scan_index(by_ward, std::nullopt, std::nullopt, [](const RowVersion&) { return true; });
  EXPECT_EQ(status.code(), StatusCode::not_found);
  EXPECT_EQ(ids(collect_index(*table("patients", indexed), by_ward)), (std::vector<std::int64_t>{1, 3, 2}));
  EXPECT_EQ(ids(collect_index(*table("patients", indexed), by_ward, bound({t("A")}), bound({t("A")}))),
            (std::vector<std::int64_t>{1, 3}));
  EXPECT_EQ(ids(collect_index(*table("patients", moved), by_ward, bound({t("B")}), bound({t("B")}))),
            (std::vector<std::int64_t>{1, 2}));
  const std::vector<RowVersion> renamed_b =
      collect_index(*table("patients", renamed), by_ward, bound({t("B")}), bound({t("B")}));
  ASSERT_EQ(renamed_b.size(), 2u);
  EXPECT_EQ(renamed_b[1].row[1], t("Bobby"));  // the version current at that position
  EXPECT_EQ(ids(collect_index(*table("patients", deleted), by_ward)), (std::vector<std::int64_t>{1, 2}));
  // NULLs sort first; exclusive bounds.
  EXPECT_EQ(ids(collect_index(*table("patients", added), by_ward)), (std::vector<std::int64_t>{5, 4, 1, 2}));
  EXPECT_EQ(ids(collect_index(*table("patients", added), by_ward, bound({t("A")}, false), std::nullopt)),
            (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(ids(collect_index(*table("patients", added), by_ward, std::nullopt, bound({t("B")}, false))),
            (std::vector<std::int64_t>{5, 4}));
  // Older positions are unaffected by later changes.
  EXPECT_EQ(ids(collect_index(*table("patients", indexed), by_ward)), (std::vector<std::int64_t>{1, 3, 2}));
  // Dropped: not_found after, still readable before.
  const Position dropped = apply(kernel::DropIndex{"by_ward", false});
  status = table("patients", dropped)->scan_index(by_ward, std::nullopt, std::nullopt, [](const RowVersion&) {
    return true;
  });
  EXPECT_EQ(status.code(), StatusCode::not_found);
  EXPECT_EQ(ids(collect_index(*table("patients", added), by_ward)), (std::vector<std::int64_t>{5, 4, 1, 2}));
}

TEST_F(StoreTest, HistoryByKeyAndByIndex) {
  apply(table_def("patients", {column("id", Type::bigint), column("name", Type::text, true), column("ward", Type::text)},
                  {0}));
  apply(kernel::CreateIndex{"patients", "by_ward", {"ward"}, false, false});
  const std::uint32_t by_ward = index_id("patients", "by_ward");
  const Position inserted =
      apply(kernel::InsertRows{"patients", {{i(1), t("Ada"), t("A")}, {i(2), t("Bob"), t("B")}, {i(3), t("Cy"), t("A")}}});
  const Position moved = apply(kernel::UpdateRows{"patients", {{i(1)}}, {{i(1), t("Ada"), t("B")}}});
  const Position deleted = apply(kernel::DeleteRows{"patients", {{i(3)}}});
  std::vector<RowVersion> found;
  const VersionVisitor collect = [&found](const RowVersion& v) {
    found.push_back(v);
    return true;
  };
  const auto positions = [&found] {
    std::vector<std::pair<std::int64_t, Position>> out;
    for (const RowVersion& v : found) out.emplace_back(v.key[0].as_int(), v.created_at);
    found.clear();
    return out;
  };
  using Versions = std::vector<std::pair<std::int64_t, Position>>;
  std::unique_ptr<TableView> view = table("patients", deleted);

  // One key: that row's versions only, oldest first, within the range.
  ASSERT_TRUE(view->scan_history_key(0, deleted, {i(1)}, collect).ok());
  EXPECT_EQ(positions(), (Versions{{1, inserted}, {1, moved}}));
  ASSERT_TRUE(view->scan_history_key(moved, deleted, {i(1)}, collect).ok());
  EXPECT_EQ(positions(), (Versions{{1, moved}}));
  ASSERT_TRUE(view->scan_history_key(0, deleted, {i(9)}, collect).ok());
  ASSERT_TRUE(view->scan_history_key(0, deleted, {t("1")}, collect).ok());  // no such key type
  EXPECT_EQ(positions(), Versions{});

  // A key range, tombstones included.
  ASSERT_TRUE(view->scan_history_key_range(0, deleted, bound({i(2)}), std::nullopt, collect).ok());
  EXPECT_EQ(positions(), (Versions{{2, inserted}, {3, inserted}, {3, deleted}}));
  ASSERT_TRUE(view->scan_history_key_range(deleted, deleted, bound({i(2)}), bound({i(2)}), collect).ok());
  EXPECT_EQ(positions(), (Versions{{2, inserted}}));

  // The index existed before the first row and before any DELETE: every row that ever had ward A,
  // with all its versions in the range (callers re-check their predicate), the tombstone too.
  EXPECT_TRUE(view->index_covers_history(by_ward, 0));
  ASSERT_TRUE(view->scan_history_index(0, deleted, by_ward, bound({t("A")}), bound({t("A")}), collect).ok());
  EXPECT_EQ(positions(), (Versions{{1, inserted}, {1, moved}, {3, inserted}, {3, deleted}}));
  ASSERT_TRUE(view->scan_history_index(moved, deleted, by_ward, bound({t("B")}), bound({t("B")}), collect).ok());
  EXPECT_EQ(positions(), (Versions{{1, moved}, {2, inserted}}));

  // An index built after rows and a DELETE covers no history: versions superseded before it have
  // no entries, and neither does the row deleted before it.
  const Position indexed = apply(kernel::CreateIndex{"patients", "by_name", {"name"}, false, false});
  const std::uint32_t by_name = index_id("patients", "by_name");
  std::unique_ptr<TableView> later = table("patients", indexed);
  EXPECT_FALSE(later->index_covers_history(by_name, 0));
  EXPECT_FALSE(later->index_covers_history(by_name, indexed));
  EXPECT_TRUE(later->index_covers_history(by_ward, 0));
  // Not beyond its drop.
  const Position dropped = apply(kernel::DropIndex{"by_ward", false});
  EXPECT_FALSE(table("patients", dropped)->index_covers_history(by_ward, 0));
}

TEST_F(StoreTest, UniqueIndexLookupsThroughTheKernel) {
  apply(table_def("users", {column("id", Type::bigint), column("email", Type::text, false, true)}, {0}));
  apply(kernel::InsertRows{"users", {{i(1), t("a@x")}, {i(2), t("b@x")}}});
  EXPECT_EQ(try_apply({kernel::InsertRows{"users", {{i(3), t("a@x")}}}}).code(), StatusCode::invalid_argument);
  apply(kernel::UpdateRows{"users", {{i(1)}}, {{i(1), t("c@x")}}});
  apply(kernel::InsertRows{"users", {{i(3), t("a@x")}}});  // freed by the update
  apply(kernel::DeleteRows{"users", {{i(2)}}});
  apply(kernel::InsertRows{"users", {{i(4), t("b@x")}}});  // freed by the delete
  EXPECT_EQ(try_apply({kernel::UpdateRows{"users", {{i(4)}}, {{i(4), t("c@x")}}}}).code(), StatusCode::invalid_argument);
  const std::uint32_t key_index = index_id("users", "users_email_key");
  EXPECT_EQ(collect_index(*table("users", next_ - 1), key_index, bound({t("a@x")}), bound({t("a@x")}))[0].key[0], i(3));
}

TEST_F(StoreTest, AddAndDropColumnVisibility) {
  const Position inserted = make_patients();
  kernel::ColumnDef age = column("age", Type::integer);
  age.default_value = Value::integer(30, Type::integer);
  const Position added = apply(kernel::AddColumn{"patients", age});
  const Position written =
      apply(kernel::InsertRows{"patients", {{i(4), t("Di"), t("A"), Value::integer(40, Type::integer)}}});
  const Position dropped = apply(kernel::DropColumn{"patients", "ward"});
  const Position after_drop =
      apply(kernel::InsertRows{"patients", {{i(5), t("Ed"), Value::integer(50, Type::integer)}}});

  auto old_view = table("patients", inserted);
  const kernel::TableDef& def = old_view->def();
  ASSERT_EQ(def.columns.size(), 4u);
  EXPECT_FALSE(def.columns[3].alive_at(inserted));  // the engine hides it at this position
  EXPECT_TRUE(def.columns[2].alive_at(inserted));
  // Rows always have one value per column entry; the added column reads its default.
  EXPECT_EQ(get("patients", inserted, {i(1)})->row, (Row{i(1), t("Ada"), t("A"), Value::integer(30, Type::integer)}));
  EXPECT_EQ(get("patients", added, {i(1)})->row[3], Value::integer(30, Type::integer));
  EXPECT_EQ(get("patients", written, {i(4)})->row[3], Value::integer(40, Type::integer));
  EXPECT_FALSE(def.columns[2].alive_at(dropped));
  EXPECT_EQ(get("patients", after_drop, {i(5)})->row, (Row{i(5), t("Ed"), Value(), Value::integer(50, Type::integer)}));
  EXPECT_EQ(get("patients", after_drop, {i(1)})->row[2], t("A"));  // old versions keep their values
  EXPECT_EQ(store_.catalog().find_table("patients")->find_column("ward", written), 2u);
  EXPECT_FALSE(store_.catalog().find_table("patients")->find_column("ward", dropped).has_value());
}

TEST_F(StoreTest, DropTableThenCreateSameName) {
  const Position inserted = make_patients();
  const Position dropped = apply(kernel::DropTable{"patients", false});
  std::unique_ptr<ReadView> view = store_.view(store_.last_position());
  Result<std::unique_ptr<TableView>> gone = view->table("patients", dropped);
  EXPECT_EQ(gone.status().code(), StatusCode::not_found);
  EXPECT_EQ(gone.status().message(), "table patients does not exist at position " + std::to_string(dropped));
  const Position created = apply(table_def("Patients", {column("id", Type::text)}, {0}));
  const Position inserted_again = apply(kernel::InsertRows{"patients", {{t("x")}}});
  EXPECT_EQ(rows("patients", inserted).size(), 3u);
  EXPECT_EQ(table("patients", inserted)->def().columns.size(), 3u);
  EXPECT_EQ(rows("patients", created).size(), 0u);
  EXPECT_EQ(rows("PATIENTS", inserted_again), (std::vector<Row>{{t("x")}}));
  EXPECT_EQ(table("patients", inserted_again)->def().id, 2u);
}

TEST_F(StoreTest, PositionErrors) {
  store_.note_record(0, 500);  // a non-command record first
  next_ = 1;
  make_patients();
  std::unique_ptr<ReadView> view = store_.view(store_.last_position());
  EXPECT_EQ(view->first_position(), 0u);
  Result<std::unique_ptr<TableView>> result = view->table("patients", 99);
  EXPECT_EQ(result.status().code(), StatusCode::invalid_argument);
  EXPECT_EQ(result.status().message(), "position 99 is in the future; the latest is 2");
  result = view->table("patients", 0);
  EXPECT_EQ(result.status().code(), StatusCode::not_found);
  Store later;
  later.note_record(10, 5);
  std::unique_ptr<ReadView> later_view = later.view(10);
  result = later_view->table("patients", 3);
  EXPECT_EQ(result.status().code(), StatusCode::invalid_argument);
  EXPECT_EQ(result.status().message(), "position 3 is before the first position 10");
}

TEST_F(StoreTest, TimestampIndexOverAllRecords) {
  store_.note_record(0, 1000);
  next_ = 1;
  make_patients();  // positions 1, 2 at 2000, 3000
  store_.note_record(3, 3000);
  store_.note_record(4, 7000);
  std::unique_ptr<ReadView> view = store_.view(4);
  EXPECT_EQ(view->position_at_timestamp(999).status().code(), StatusCode::invalid_argument);
  EXPECT_EQ(view->position_at_timestamp(1000).value(), 0u);
  EXPECT_EQ(view->position_at_timestamp(2999).value(), 1u);
  EXPECT_EQ(view->position_at_timestamp(3000).value(), 3u);  // equal timestamps: the newest
  EXPECT_EQ(view->position_at_timestamp(6999).value(), 3u);
  EXPECT_EQ(view->position_at_timestamp(1'000'000).value(), 4u);
  EXPECT_EQ(store_.view(2)->position_at_timestamp(1'000'000).value(), 2u);  // never beyond the view
  EXPECT_EQ(view->timestamp_at_position(2).value(), 3000u);
  EXPECT_EQ(view->timestamp_at_position(4).value(), 7000u);
  EXPECT_EQ(view->timestamp_at_position(5).status().code(), StatusCode::invalid_argument);
}

TEST_F(StoreTest, AuditTrail) {
  make_patients();
  apply({kernel::UpdateRows{"patients", {{i(1)}}, {{i(1), t("A"), Value()}}},
         kernel::DeleteRows{"patients", {{i(2)}, {i(3)}}}},
        "nurse", "correction");
  store_.note_record(next_, timestamp(next_));
  next_++;
  std::vector<AuditEntry> entries;
  ASSERT_TRUE(store_.view(store_.last_position())
                  ->scan_audit(0, 100,
                               [&entries](const AuditEntry& e) {
                                 entries.push_back(e);
                                 return true;
                               })
                  .ok());
  ASSERT_EQ(entries.size(), 3u);  // one per command record
  EXPECT_EQ(entries[0].operation, "CREATE TABLE");
  EXPECT_EQ(entries[0].table, "patients");
  EXPECT_EQ(entries[0].row_count, 0u);
  EXPECT_EQ(entries[1].operation, "INSERT");
  EXPECT_EQ(entries[1].row_count, 3u);
  EXPECT_EQ(entries[1].actor, "dr.smith");
  EXPECT_EQ(entries[1].client_id, 42u);
  EXPECT_EQ(entries[1].statement, "statement 1");
  EXPECT_EQ(entries[2].operation, "UPDATE, DELETE");
  EXPECT_EQ(entries[2].row_count, 3u);
  EXPECT_EQ(entries[2].actor, "nurse");
  EXPECT_EQ(entries[2].reason, "correction");
  EXPECT_EQ(entries[2].position, 2u);
  EXPECT_EQ(entries[2].timestamp_ns, timestamp(2));
  entries.clear();
  ASSERT_TRUE(store_.view(1)
                  ->scan_audit(1, 100,
                               [&entries](const AuditEntry& e) {
                                 entries.push_back(e);
                                 return true;
                               })
                  .ok());
  ASSERT_EQ(entries.size(), 1u);  // bounded by the view
}

TEST_F(StoreTest, RejectedRecordChangesNothing) {
  make_patients();
  Bytes before;
  store_.encode(before);
  const Position last = *store_.last_position();
  EXPECT_EQ(try_apply({kernel::InsertRows{"patients", {{i(9), t("Z"), Value()}}},
                       kernel::CreateIndex{"patients", "w", {"ward"}, false, false},
                       kernel::InsertRows{"patients", {{i(1), t("dup"), Value()}}}})
                .message(),
            "duplicate key value violates primary key of table patients: (id)=(1)");
  Bytes after;
  store_.encode(after);
  EXPECT_EQ(before, after);
  EXPECT_EQ(store_.last_position(), last);
}

TEST_F(StoreTest, PrepareThenCommit) {
  make_patients();
  kernel::CommandRecord record;
  record.commands = {kernel::DeleteRows{"patients", {{i(1)}}}};
  Result<Store::Prepared> prepared = store_.prepare(record, next_, timestamp(next_));
  ASSERT_TRUE(prepared.ok());
  EXPECT_EQ(rows("patients", next_ - 1).size(), 3u);  // nothing applied yet
  store_.commit(record, std::move(prepared).value(), 7, "why");
  EXPECT_EQ(rows("patients", next_).size(), 2u);
  record.commands = {kernel::DeleteRows{"patients", {{i(1)}}}};
  EXPECT_EQ(store_.prepare(record, next_ + 1, timestamp(next_ + 1)).status().code(), StatusCode::not_found);
}

TEST_F(StoreTest, Streams) {
  apply(kernel::CreateStream{"orders", false});
  const Position first = apply(kernel::AppendEvents{"orders", 0, {Bytes{1}, Bytes{2}}});
  const Position second = apply(kernel::AppendEvents{"orders", 2, {Bytes{3}}});
  EXPECT_EQ(try_apply({kernel::AppendEvents{"orders", 2, {Bytes{4}}}}).message(),
            "stream orders is at offset 3, expected 2");
  Result<std::vector<StreamEvent>> events = store_.read_stream("orders", 0, 100);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[0].position, first);
  EXPECT_EQ((*events)[2].position, second);
  EXPECT_EQ((*events)[2].offset, 2u);
  EXPECT_EQ((*events)[2].data, Bytes{3});
  EXPECT_EQ((*events)[2].timestamp_ns, timestamp(second));
  EXPECT_EQ(store_.read_stream("orders", 1, 1)->size(), 1u);
  EXPECT_EQ(store_.read_stream("orders", 1, 1).value()[0].data, Bytes{2});
  EXPECT_EQ(store_.read_stream("orders", 0, 100, first)->size(), 2u);
  EXPECT_EQ(store_.read_stream("orders", 5, 100)->size(), 0u);
  EXPECT_EQ(store_.read_stream("nope", 0, 1).status().code(), StatusCode::not_found);
  EXPECT_EQ(store_.read_stream("orders", 0, 100, 0)->size(), 0u);  // created at 0, no events yet
}

TEST_F(StoreTest, ViewReadsStreamsAsOfAPosition) {
  const Position before = apply(kernel::CreateStream{"other", false});
  const Position created = apply(kernel::CreateStream{"orders", false});
  const Position first = apply(kernel::AppendEvents{"orders", 0, {Bytes{1}, Bytes{2, 2}}});
  const Position second = apply(kernel::AppendEvents{"orders", 2, {Bytes{3, 3, 3}}});
  std::unique_ptr<ReadView> view = store_.view(second);

  Result<StreamSlice> all = view->read_stream("orders", second, 0, 100, 1 << 20);
  ASSERT_TRUE(all.ok()) << all.status().message();
  EXPECT_EQ(all->stream_length, 3u);
  ASSERT_EQ(all->events.size(), 3u);
  EXPECT_EQ(all->events[2].offset, 2u);
  EXPECT_EQ(all->events[2].position, second);
  EXPECT_EQ(all->events[2].timestamp_ns, timestamp(second));
  EXPECT_EQ(all->events[1].data, (Bytes{2, 2}));

  // As of an earlier position only what was appended by then is visible.
  Result<StreamSlice> earlier = view->read_stream("orders", first, 0, 100, 1 << 20);
  ASSERT_TRUE(earlier.ok());
  EXPECT_EQ(earlier->stream_length, 2u);
  EXPECT_EQ(earlier->events.size(), 2u);
  EXPECT_EQ(view->read_stream("orders", created, 0, 100, 1 << 20)->stream_length, 0u);

  // Count and byte budgets; the first event is returned even when it alone exceeds the budget.
  EXPECT_EQ(view->read_stream("orders", second, 1, 1, 1 << 20)->events.size(), 1u);
  EXPECT_EQ(view->read_stream("orders", second, 0, 100, 3)->events.size(), 2u);
  Result<StreamSlice> oversized = view->read_stream("orders", second, 2, 100, 1);
  ASSERT_EQ(oversized->events.size(), 1u);
  EXPECT_EQ(oversized->events[0].data, (Bytes{3, 3, 3}));
  EXPECT_TRUE(view->read_stream("orders", second, 0, 0, 1 << 20)->events.empty());
  EXPECT_TRUE(view->read_stream("orders", second, 7, 10, 1 << 20)->events.empty());

  // Unknown streams, streams not yet created and future positions are refused.
  EXPECT_EQ(view->read_stream("nope", second, 0, 1, 1).status().code(), StatusCode::not_found);
  EXPECT_EQ(view->read_stream("orders", before, 0, 1, 1).status().code(), StatusCode::not_found);
  EXPECT_EQ(store_.view(first)->read_stream("orders", second, 0, 1, 1).status().code(), StatusCode::invalid_argument);
}

}  // namespace
}  // namespace kmb::projection
