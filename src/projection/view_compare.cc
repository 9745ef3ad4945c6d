#include "projection/view_compare.h"

#include <algorithm>
#include <set>
#include <sstream>

#include "kernel/rows.h"

namespace kmb::projection::testing {

namespace {

std::string describe(const kernel::Row& row) {
  std::string text = "(";
  for (std::size_t i = 0; i < row.size(); i++) text += (i ? ", " : "") + kernel::to_display(row[i]);
  return text + ")";
}

std::string describe(const RowVersion& v) {
  std::ostringstream out;
  out << "key " << describe(v.key) << " row " << describe(v.row) << " [" << v.created_at << ", " << v.superseded_at
      << ") ns " << v.created_ns << "/" << v.superseded_ns << " " << v.operation << " by " << v.actor << " ("
      << v.reason << ")" << (v.tombstone ? " tombstone" : "");
  return out.str();
}

// Rows are compared on the first `columns` values: the expected view's TableDef may have columns
// added after the position, which the engine does not show there.
bool same_version(const RowVersion& a, const RowVersion& b, std::size_t columns) {
  if (a.row.size() < columns || b.row.size() < columns) return false;
  for (std::size_t i = 0; i < columns; i++) {
    if (!(a.row[i] == b.row[i])) return false;
  }
  return a.key == b.key && a.created_at == b.created_at && a.created_ns == b.created_ns &&
         a.superseded_at == b.superseded_at && a.superseded_ns == b.superseded_ns && a.actor == b.actor &&
         a.reason == b.reason && a.operation == b.operation && a.tombstone == b.tombstone;
}

using Collector = std::function<Status(const VersionVisitor&)>;

std::string compare_lists(const std::string& what, const Collector& expected, const Collector& actual,
                          std::size_t columns, std::vector<RowVersion>* seen = nullptr) {
  std::vector<RowVersion> a;
  std::vector<RowVersion> b;
  const Status sa = expected([&a](const RowVersion& v) {
    a.push_back(v);
    return true;
  });
  const Status sb = actual([&b](const RowVersion& v) {
    b.push_back(v);
    return true;
  });
  if (sa.code() != sb.code()) return what + ": status " + sa.to_string() + " vs " + sb.to_string();
  if (a.size() != b.size()) {
    return what + ": " + std::to_string(a.size()) + " vs " + std::to_string(b.size()) + " versions" +
           (a.empty() ? "" : "; first expected " + describe(a[0])) +
           (b.empty() ? "" : "; first actual " + describe(b[0]));
  }
  for (std::size_t i = 0; i < a.size(); i++) {
    if (!same_version(a[i], b[i], columns)) return what + ": " + describe(a[i]) + " vs " + describe(b[i]);
  }
  if (seen != nullptr) *seen = std::move(b);
  return "";
}

std::optional<KeyBound> random_bound(io::Prng& prng, const std::vector<std::string>& samples) {
  if (samples.empty() || prng.chance(1, 4)) return std::nullopt;
  const std::string& key = samples[prng.uniform(samples.size())];
  // A random prefix of a real key (whole columns or not: any prefix must behave like a bound).
  const std::size_t size = prng.chance(1, 2) ? key.size() : prng.uniform(key.size() + 1);
  const ByteSpan bytes = as_bytes(std::string_view(key).substr(0, size));
  return KeyBound{Bytes(bytes.begin(), bytes.end()), prng.chance(1, 2)};
}

std::string compare_defs(const kernel::TableDef& e, const kernel::TableDef& a, Position p) {
  if (e.id != a.id || e.name != a.name || e.primary_key != a.primary_key) return "table identity differs";
  // One side may know columns added after p (its history goes further); they must not be alive at p.
  const std::size_t common = std::min(e.columns.size(), a.columns.size());
  for (const kernel::TableDef* def : {&e, &a}) {
    for (std::size_t i = common; i < def->columns.size(); i++) {
      if (def->columns[i].alive_at(p)) return "column " + def->columns[i].name + " alive on one side only";
    }
  }
  for (std::size_t i = 0; i < common; i++) {
    const kernel::ColumnDef& ce = e.columns[i];
    const kernel::ColumnDef& ca = a.columns[i];
    if (ce.alive_at(p) != ca.alive_at(p) || ce.name != ca.name || ce.type != ca.type || ce.not_null != ca.not_null ||
        ce.added_at != ca.added_at) {
      return "column " + ce.name + " differs";
    }
  }
  std::set<std::uint32_t> indexes_e;
  std::set<std::uint32_t> indexes_a;
  for (const kernel::IndexDef& index : e.indexes) {
    if (kernel::index_alive_at(index, p)) indexes_e.insert(index.id);
  }
  for (const kernel::IndexDef& index : a.indexes) {
    if (kernel::index_alive_at(index, p)) indexes_a.insert(index.id);
  }
  if (indexes_e != indexes_a) return "live indexes differ";
  return "";
}

std::string compare_table(const TableView& e, const TableView& a, Position p, io::Prng& prng) {
  std::string diff = compare_defs(e.def(), a.def(), p);
  if (!diff.empty()) return diff;
  const std::size_t columns = std::min(e.def().columns.size(), a.def().columns.size());
  std::vector<RowVersion> rows;
  diff = compare_lists(
      "scan", [&](const VersionVisitor& v) { return e.scan(v); }, [&](const VersionVisitor& v) { return a.scan(v); },
      columns, &rows);
  if (!diff.empty()) return diff;

  std::vector<std::string> keys;
  for (const RowVersion& row : rows) keys.push_back(kernel::encode_key_string(row.key));
  std::vector<kernel::RowKey> probes;
  for (const RowVersion& row : rows) probes.push_back(row.key);
  probes.push_back(kernel::RowKey{kernel::Value::integer(static_cast<std::int64_t>(prng.uniform(30)) - 5)});
  for (const kernel::RowKey& key : probes) {
    Result<std::optional<RowVersion>> ge = e.get(key);
    Result<std::optional<RowVersion>> ga = a.get(key);
    if (!ge.ok() || !ga.ok()) return "get failed";
    if (ge->has_value() != ga->has_value()) return "get " + describe(key) + ": presence differs";
    if (ge->has_value() && !same_version(**ge, **ga, columns)) return "get " + describe(key) + " differs";
  }
  for (int i = 0; i < 3; i++) {
    const std::optional<KeyBound> lower = random_bound(prng, keys);
    const std::optional<KeyBound> upper = random_bound(prng, keys);
    diff = compare_lists(
        "key range", [&](const VersionVisitor& v) { return e.scan_key_range(lower, upper, v); },
        [&](const VersionVisitor& v) { return a.scan_key_range(lower, upper, v); }, columns);
    if (!diff.empty()) return diff;
  }
  for (const kernel::IndexDef& index : a.def().indexes) {
    if (!kernel::index_alive_at(index, p)) continue;
    std::vector<std::string> index_keys;
    for (const RowVersion& row : rows) index_keys.push_back(kernel::encode_index_key(index, row.row));
    for (int i = 0; i < 3; i++) {
      const std::optional<KeyBound> lower = i == 0 ? std::nullopt : random_bound(prng, index_keys);
      const std::optional<KeyBound> upper = i == 0 ? std::nullopt : random_bound(prng, index_keys);
      std::vector<RowVersion> found;
      diff = compare_lists(
          "index " + index.name, [&](const VersionVisitor& v) { return e.scan_index(index.id, lower, upper, v); },
          [&](const VersionVisitor& v) { return a.scan_index(index.id, lower, upper, v); }, columns, &found);
      if (!diff.empty()) return diff;
      if (i == 0 && found.size() != rows.size()) return "index " + index.name + " does not cover every row";
    }
  }
  // Dropped or future indexes are not_found on both sides.
  for (const kernel::IndexDef& index : e.def().indexes) {
    if (kernel::index_alive_at(index, p)) continue;
    const Status se = e.scan_index(index.id, std::nullopt, std::nullopt, [](const RowVersion&) { return true; });
    if (se.code() != StatusCode::not_found) return "index " + index.name + " should not exist at " + std::to_string(p);
  }
  const Position from = prng.uniform(p + 1);
  diff = compare_lists(
      "history", [&](const VersionVisitor& v) { return e.scan_history(from, p, v); },
      [&](const VersionVisitor& v) { return a.scan_history(from, p, v); }, columns);
  return diff;
}

std::string audit_text(const ReadView& view, Position from, Position to) {
  std::ostringstream out;
  const Status status = view.scan_audit(from, to, [&out](const AuditEntry& entry) {
    out << entry.position << " " << entry.timestamp_ns << " " << entry.client_id << " " << entry.actor << " "
        << entry.reason << " " << entry.operation << " " << entry.table << " " << entry.statement << " "
        << entry.row_count << "\n";
    return true;
  });
  if (!status.ok()) out << status.to_string();
  return out.str();
}

std::string compare_timestamps(const ReadView& e, const ReadView& a, Position q) {
  Result<std::uint64_t> te = e.timestamp_at_position(q);
  Result<std::uint64_t> ta = a.timestamp_at_position(q);
  if (te.status().code() != ta.status().code() || (te.ok() && *te != *ta)) {
    return "timestamp of position " + std::to_string(q) + " differs";
  }
  if (!te.ok()) return "";
  for (const std::uint64_t timestamp : {*te - 1, *te, *te + 1}) {
    Result<Position> pe = e.position_at_timestamp(timestamp);
    Result<Position> pa = a.position_at_timestamp(timestamp);
    if (pe.status().code() != pa.status().code() || (pe.ok() && *pe != *pa)) {
      return "position at timestamp " + std::to_string(timestamp) + " differs";
    }
  }
  return "";
}

// The whole trail and every timestamp now and then (quadratic over a run), the newest always.
std::string compare_audit(const ReadView& e, const ReadView& a, Position p, io::Prng& prng) {
  const bool everything = prng.chance(1, 16);
  const Position from = everything ? 0 : p;
  if (audit_text(e, from, p) != audit_text(a, from, p)) return "audit trails differ";
  for (Position q = from; q <= p; q++) {
    std::string diff = compare_timestamps(e, a, q);
    if (!diff.empty()) return diff;
  }
  return compare_timestamps(e, a, prng.uniform(p + 1));
}

}  // namespace

std::string compare_views(const ReadView& expected, const ReadView& actual, Position p, io::Prng& prng) {
  if (expected.position() != actual.position() || expected.first_position() != actual.first_position()) {
    return "view positions differ";
  }
  std::set<std::string> names;
  for (const kernel::TableDef& table : expected.catalog().tables()) names.insert(table.name);
  for (const kernel::TableDef& table : actual.catalog().tables()) names.insert(table.name);
  for (const std::string& name : names) {
    Result<std::unique_ptr<TableView>> e = expected.table(name, p);
    Result<std::unique_ptr<TableView>> a = actual.table(name, p);
    if (e.status().code() != a.status().code()) {
      return "table " + name + ": " + e.status().to_string() + " vs " + a.status().to_string();
    }
    if (!e.ok()) continue;
    std::string diff = compare_table(**e, **a, p, prng);
    if (!diff.empty()) return "table " + name + " at " + std::to_string(p) + ": " + diff;
  }
  return compare_audit(expected, actual, p, prng);
}

std::string compare_with_model(const Store& store, const kernel::StateView& model) {
  Bytes catalog_store;
  Bytes catalog_model;
  store.catalog().encode(catalog_store);
  model.catalog().encode(catalog_model);
  if (catalog_store != catalog_model) return "catalogs differ";
  for (const kernel::TableDef& table : model.catalog().tables()) {
    std::vector<std::pair<std::string, kernel::Row>> rows[2];
    const kernel::StateView* states[2] = {&store, &model};
    for (int side = 0; side < 2; side++) {
      states[side]->scan_rows(table.id, [&](std::string_view key, const kernel::Row& row) {
        rows[side].emplace_back(std::string(key), row);
        return true;
      });
    }
    if (rows[0] != rows[1]) return "rows of table " + table.name + " differ from the model";
  }
  return "";
}

}  // namespace kmb::projection::testing
