// Access-path selection and plan shapes, checked through EXPLAIN, and that index-driven plans
// return the same rows as full scans.
#include <gtest/gtest.h>

#include <algorithm>

#include "sql/testing/engine_fixture.h"

namespace kmb::sql {
namespace {

using kernel::Value;
using testing::EngineFixture;
using testing::Rows;

class PlannerTest : public EngineFixture {
 protected:
  void SetUp() override {
    run_all({
        "CREATE TABLE patients (id BIGINT PRIMARY KEY, name TEXT, age INT, born DATE)",
        "CREATE INDEX idx_patients_name ON patients (name)",
        "CREATE TABLE visits (patient BIGINT, day DATE, note TEXT, PRIMARY KEY (patient, day))",
        "CREATE INDEX idx_visits_note_day ON visits (note, day)",
        "CREATE TABLE logs (msg TEXT)",
        "CREATE TABLE prices (price DECIMAL(10, 2) PRIMARY KEY, small INT)",
        "INSERT INTO patients VALUES (1, 'alice', 30, '1990-01-01'), (5, 'bob', 40, NULL), (7, 'anna', NULL, "
        "'2000-02-02'), (9, 'abe', 50, NULL), (12, 'carl', 60, NULL), (20, NULL, 1, NULL)",
        "INSERT INTO visits VALUES (1, '2024-01-01', 'x'), (1, '2024-01-05', 'y'), (1, '2024-02-01', 'x'), "
        "(2, '2024-01-01', 'x'), (3, '2024-01-03', 'z')",
        "INSERT INTO prices VALUES (1.5, 1), (2.25, 2), (10, 3)",
    });
  }

  // The scan line of the plan (the last line).
  std::string scan(std::string_view sql, std::vector<Value> parameters = {}) {
    std::vector<std::string> lines = rows("EXPLAIN " + std::string(sql), std::move(parameters));
    if (lines.empty()) return "";
    return lines.back().substr(lines.back().find_first_not_of(' '));
  }

  // Checks that the query returns the same rows as the same query forced to a full scan.
  void expect_same_as_scan(const std::string& table, const std::string& condition,
                           const std::vector<Value>& parameters = {}) {
    Rows indexed = rows("SELECT * FROM " + table + " WHERE " + condition, parameters);
    Rows scanned = rows("SELECT * FROM " + table + " WHERE (" + condition + ") OR 1 = 0", parameters);
    std::sort(indexed.begin(), indexed.end());
    std::sort(scanned.begin(), scanned.end());
    EXPECT_EQ(indexed, scanned) << condition;
    EXPECT_EQ(scan("SELECT * FROM " + table + " WHERE (" + condition + ") OR 1 = 0", parameters).rfind("SeqScan", 0),
              0u);
  }
};

TEST_F(PlannerTest, PrimaryKeyLookup) {
  EXPECT_EQ(scan("SELECT * FROM patients WHERE id = 7"), "PrimaryKeyLookup patients (id = 7)");
  EXPECT_EQ(scan("SELECT * FROM patients WHERE 7 = id"), "PrimaryKeyLookup patients (id = 7)");
  EXPECT_EQ(scan("SELECT * FROM patients WHERE id = 7.0"), "PrimaryKeyLookup patients (id = 7)");
  EXPECT_EQ(scan("SELECT * FROM patients WHERE id = $1", {Value::integer(9)}), "PrimaryKeyLookup patients (id = 9)");
  EXPECT_EQ(scan("SELECT * FROM patients WHERE id = -3"), "PrimaryKeyLookup patients (id = -3)");
  EXPECT_EQ(scan("SELECT * FROM patients WHERE id = '5'::bigint AND age > 1"), "PrimaryKeyLookup patients (id = 5)");
  EXPECT_EQ(value("SELECT name FROM patients WHERE id = 7"), "anna");
  EXPECT_EQ(rows("SELECT name FROM patients WHERE id = 7 AND age > 1"), Rows{});
  EXPECT_EQ(rows("SELECT name FROM patients WHERE id = 8"), Rows{});
}

TEST_F(PlannerTest, PlanKeepsTheFullPredicate) {
  EXPECT_EQ(plan("SELECT name FROM patients WHERE id = 7 AND age > 1"),
            (Rows{"Projection name", "  Filter ((id = 7) AND (age > 1))", "    PrimaryKeyLookup patients (id = 7)"}));
}

TEST_F(PlannerTest, InexactConstantsFallBackToScans) {
  EXPECT_EQ(scan("SELECT * FROM patients WHERE id = 7.5"), "SeqScan patients");
  EXPECT_EQ(rows("SELECT * FROM patients WHERE id = 7.5"), Rows{});
  EXPECT_EQ(scan("SELECT * FROM patients WHERE id = 7.5e0"), "SeqScan patients");
  EXPECT_EQ(scan("SELECT * FROM patients WHERE id = NULL"), "SeqScan patients");
  EXPECT_EQ(scan("SELECT * FROM prices WHERE price = 1.505"), "SeqScan prices");
  EXPECT_EQ(scan("SELECT * FROM prices WHERE price = 1.5"), "PrimaryKeyLookup prices (price = 1.50)");
  EXPECT_EQ(value("SELECT small FROM prices WHERE price = 1.5"), "1");
  EXPECT_EQ(scan("SELECT * FROM prices WHERE price = 10"), "PrimaryKeyLookup prices (price = 10.00)");
  EXPECT_EQ(value("SELECT small FROM prices WHERE price = 10"), "3");
  EXPECT_EQ(scan("SELECT * FROM prices WHERE price > 2"), "PrimaryKeyRange prices (price > 2.00]");
  EXPECT_EQ(rows("SELECT small FROM prices WHERE price > 2"), (Rows{"2", "3"}));
}

TEST_F(PlannerTest, PrimaryKeyRange) {
  EXPECT_EQ(scan("SELECT * FROM patients WHERE id > 5 AND id <= 12"), "PrimaryKeyRange patients (id > 5, id <= 12]");
  EXPECT_EQ(rows("SELECT id FROM patients WHERE id > 5 AND id <= 12"), (Rows{"7", "9", "12"}));
  EXPECT_EQ(scan("SELECT * FROM patients WHERE id BETWEEN 5 AND 9"), "PrimaryKeyRange patients [id >= 5, id <= 9]");
  EXPECT_EQ(rows("SELECT id FROM patients WHERE id BETWEEN 5 AND 9"), (Rows{"5", "7", "9"}));
  EXPECT_EQ(scan("SELECT * FROM patients WHERE id < 7"), "PrimaryKeyRange patients [id < 7)");
  EXPECT_EQ(scan("SELECT * FROM patients WHERE id > 1 AND id > 5 AND id >= 5"), "PrimaryKeyRange patients (id > 5]");
  EXPECT_EQ(rows("SELECT id FROM patients WHERE id > 1 AND id > 5 AND id >= 5"), (Rows{"7", "9", "12", "20"}));
}

TEST_F(PlannerTest, CompositePrimaryKey) {
  EXPECT_EQ(scan("SELECT * FROM visits WHERE patient = 1"), "PrimaryKeyRange visits [patient = 1]");
  EXPECT_EQ(scan("SELECT * FROM visits WHERE patient = 1 AND day = '2024-01-05'"),
            "PrimaryKeyLookup visits (patient = 1, day = '2024-01-05')");
  EXPECT_EQ(value("SELECT note FROM visits WHERE patient = 1 AND day = '2024-01-05'"), "y");
  EXPECT_EQ(scan("SELECT * FROM visits WHERE patient = 1 AND day > '2024-01-01'"),
            "PrimaryKeyRange visits (patient = 1, day > '2024-01-01']");
  EXPECT_EQ(rows("SELECT note FROM visits WHERE patient = 1 AND day > '2024-01-01'"), (Rows{"y", "x"}));
  EXPECT_EQ(scan("SELECT * FROM visits WHERE day = '2024-01-01'"), "SeqScan visits");
  expect_same_as_scan("visits", "patient = 1");
  expect_same_as_scan("visits", "patient = 1 AND day < '2024-02-01'");
  expect_same_as_scan("visits", "patient >= 2");
  expect_same_as_scan("visits", "patient = 1 AND day >= DATE '2024-01-05'");
}

TEST_F(PlannerTest, SecondaryIndexRange) {
  EXPECT_EQ(scan("SELECT * FROM patients WHERE name >= 'a' AND name < 'b'"),
            "IndexRangeScan patients.idx_patients_name [name >= 'a', name < 'b')");
  EXPECT_EQ(rows("SELECT name FROM patients WHERE name >= 'a' AND name < 'b'"), (Rows{"abe", "alice", "anna"}));
  EXPECT_EQ(scan("SELECT * FROM patients WHERE name = 'bob'"), "IndexRangeScan patients.idx_patients_name [name = 'bob']");
  EXPECT_EQ(scan("SELECT * FROM patients WHERE name = $1 AND id > 3", {Value::text("bob")}),
            "IndexRangeScan patients.idx_patients_name [name = 'bob']");
  EXPECT_EQ(scan("SELECT * FROM visits WHERE note = 'x' AND day < '2024-02-01'"),
            "IndexRangeScan visits.idx_visits_note_day [note = 'x', day < '2024-02-01')");
  EXPECT_EQ(rows("SELECT patient FROM visits WHERE note = 'x' AND day < '2024-02-01' ORDER BY patient"),
            (Rows{"1", "2"}));
  expect_same_as_scan("patients", "name < 'b'");
  expect_same_as_scan("patients", "name > 'anna'");
  expect_same_as_scan("visits", "note = 'x'");
  expect_same_as_scan("visits", "note = 'x' AND day > '2024-01-01'");
}

TEST_F(PlannerTest, SequentialScans) {
  EXPECT_EQ(scan("SELECT * FROM patients"), "SeqScan patients");
  EXPECT_EQ(scan("SELECT * FROM patients WHERE age = 30"), "SeqScan patients");
  EXPECT_EQ(scan("SELECT * FROM patients WHERE id = 1 OR id = 5"), "SeqScan patients");
  EXPECT_EQ(scan("SELECT * FROM patients WHERE id + 0 = 1"), "SeqScan patients");
  EXPECT_EQ(scan("SELECT * FROM patients WHERE lower(name) = 'bob'"), "SeqScan patients");
  EXPECT_EQ(scan("SELECT * FROM patients WHERE id <> 1"), "SeqScan patients");
  EXPECT_EQ(scan("SELECT * FROM logs WHERE msg = 'x'"), "SeqScan logs");
}

TEST_F(PlannerTest, IndexesFollowTimeTravel) {
  const std::string before = std::to_string(*run("INSERT INTO logs VALUES ('marker')").position);
  run("CREATE INDEX idx_patients_age ON patients (age)");
  EXPECT_EQ(scan("SELECT * FROM patients WHERE age = 30"), "IndexRangeScan patients.idx_patients_age [age = 30]");
  EXPECT_EQ(scan("SELECT * FROM patients AS OF POSITION " + before + " WHERE age = 30"),
            "SeqScan patients AS OF POSITION " + before);
  EXPECT_EQ(scan("SELECT * FROM patients AS OF POSITION " + before + " WHERE id = 1"),
            "PrimaryKeyLookup patients (id = 1) AS OF POSITION " + before);
  run("DROP INDEX idx_patients_age");
  EXPECT_EQ(scan("SELECT * FROM patients WHERE age = 30"), "SeqScan patients");
  EXPECT_EQ(scan("SELECT * FROM patients FOR SYSTEM_TIME ALL WHERE id = 1"), "PrimaryKeyLookup patients (id = 1) HISTORY [1, 12]");
  EXPECT_EQ(scan("SELECT * FROM patients FOR SYSTEM_TIME ALL WHERE age = 30"), "HistoryScan patients [1, 12]");
}

TEST_F(PlannerTest, PlanShapes) {
  EXPECT_EQ(plan("SELECT name, count(*) FROM patients WHERE age > 1 GROUP BY name HAVING count(*) > 0 "
                 "ORDER BY name LIMIT 5 OFFSET 1"),
            (Rows{
                "Limit 5 Offset 1",
                "  Sort name ASC",
                "    Projection name, count(*)",
                "      Filter (count(*) > 0)",
                "        Aggregate count(*) GROUP BY name",
                "          Filter (age > 1)",
                "            SeqScan patients",
            }));
  EXPECT_EQ(plan("SELECT DISTINCT name FROM patients p ORDER BY name DESC NULLS FIRST"),
            (Rows{"Sort name DESC NULLS FIRST", "  Distinct", "    Projection name", "      SeqScan patients AS p"}));
  EXPECT_EQ(plan("SELECT 1"), (Rows{"Projection 1", "  SingleRow"}));
  EXPECT_EQ(plan("SELECT p.name FROM patients p JOIN visits v ON v.patient = p.id WHERE p.id = 1"),
            (Rows{"Projection name", "  Filter (id = 1)", "    HashJoin INNER (patient = id)", "      Filter (id = 1)",
                  "        PrimaryKeyLookup patients (id = 1) AS p", "      SeqScan visits AS v"}));
  // A conjunct on one table filters it below the joins, except on the NULL-supplying side of an
  // outer join.
  EXPECT_EQ(plan("SELECT p.name FROM patients p JOIN visits v ON v.patient = p.id WHERE v.patient > 1 AND p.age > 2"),
            (Rows{"Projection name", "  Filter ((patient > 1) AND (age > 2))", "    HashJoin INNER (patient = id)",
                  "      Filter (age > 2)", "        SeqScan patients AS p", "      Filter (patient > 1)",
                  "        PrimaryKeyRange visits (patient > 1] AS v"}));
  EXPECT_EQ(plan("SELECT p.name FROM patients p LEFT JOIN visits v ON v.patient = p.id WHERE v.patient IS NULL "
                 "AND p.age > 2"),
            (Rows{"Projection name", "  Filter ((patient IS NULL) AND (age > 2))", "    HashJoin LEFT (patient = id)",
                  "      Filter (age > 2)", "        SeqScan patients AS p", "      SeqScan visits AS v"}));
  // Joins without an equality between the two sides stay nested loops.
  EXPECT_EQ(plan("SELECT p.name FROM patients p LEFT JOIN visits v ON v.patient > p.id"),
            (Rows{"Projection name", "  NestedLoopJoin LEFT (patient > id)", "    SeqScan patients AS p",
                  "    SeqScan visits AS v"}));
}

TEST_F(PlannerTest, ExplainWrites) {
  EXPECT_EQ(plan("UPDATE patients SET age = age + 1 WHERE id = 7"),
            (Rows{"Update patients SET age = (age + 1)", "  Filter (id = 7)", "    PrimaryKeyLookup patients (id = 7)"}));
  EXPECT_EQ(plan("DELETE FROM patients WHERE name = 'bob'"),
            (Rows{"Delete patients", "  Filter (name = 'bob')",
                  "    IndexRangeScan patients.idx_patients_name [name = 'bob']"}));
  EXPECT_EQ(plan("INSERT INTO patients (id) VALUES (100), (101)"), (Rows{"Insert patients", "  Values 2 rows"}));
  EXPECT_EQ(plan("INSERT INTO logs SELECT name FROM patients"),
            (Rows{"Insert logs", "  Projection name", "    SeqScan patients"}));
  EXPECT_EQ(plan("CREATE TABLE t (a INT)"), (Rows{"CreateTable t"}));
  EXPECT_EQ(error("SELECT * FROM t"), "table \"t\" does not exist");  // EXPLAIN wrote nothing
  EXPECT_EQ(value("SELECT count(*) FROM patients WHERE id = 100"), "0");
}

TEST_F(PlannerTest, AuditScanNarrowsPositions) {
  EXPECT_EQ(scan("SELECT * FROM kmb_audit WHERE position >= 2 AND position < 5"),
            "AuditScan kmb_audit [position >= 2, position <= 4]");
  EXPECT_EQ(scan("SELECT * FROM kmb_audit WHERE position = 3 AND actor = 'x'"),
            "AuditScan kmb_audit [position >= 3, position <= 3]");
  EXPECT_EQ(scan("SELECT * FROM kmb_audit"), "AuditScan kmb_audit [position >= 1, position <= 9]");
  EXPECT_EQ(rows("SELECT position FROM kmb_audit WHERE position > 7"), (Rows{"8", "9"}));
}

}  // namespace
}  // namespace kmb::sql
