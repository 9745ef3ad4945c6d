#include "sql/planner/access_path.h"

#include <cmath>
#include <limits>

#include "sql/execution/decimal_math.h"
#include "sql/execution/evaluator.h"
#include "sql/parser/expression_printer.h"

namespace kmb::sql {

namespace {

using kernel::Type;
using kernel::Value;

struct KeyPredicate {
  std::uint32_t column = 0;
  BinaryOperator op = BinaryOperator::equal;
  Value value;
};

// The equality prefix and the range on the next key column that the predicates allow.
struct KeyRange {
  std::vector<Value> equalities;
  std::vector<std::string> terms;  // for EXPLAIN
  std::optional<KeyPredicate> lower;
  std::optional<KeyPredicate> upper;

  bool has_range() const { return lower.has_value() || upper.has_value(); }
  bool useful() const { return !equalities.empty() || has_range(); }
};

BinaryOperator flip(BinaryOperator op) {
  switch (op) {
    case BinaryOperator::less: return BinaryOperator::greater;
    case BinaryOperator::less_equal: return BinaryOperator::greater_equal;
    case BinaryOperator::greater: return BinaryOperator::less;
    case BinaryOperator::greater_equal: return BinaryOperator::less_equal;
    default: return op;
  }
}

std::optional<KeyPredicate> key_predicate(const BoundExpression& conjunct, const kernel::TableDef& def,
                                          const std::function<std::optional<std::uint32_t>(std::uint32_t)>& column_of_slot) {
  if (conjunct.kind != BoundKind::comparison || conjunct.op == BinaryOperator::not_equal) return std::nullopt;
  const BoundExpression* column = conjunct.children[0].get();
  const BoundExpression* constant = conjunct.children[1].get();
  BinaryOperator op = conjunct.op;
  if (column->kind != BoundKind::column) {
    std::swap(column, constant);
    op = flip(op);
  }
  if (column->kind != BoundKind::column || !is_constant_expression(*constant)) return std::nullopt;
  const std::optional<std::uint32_t> index = column_of_slot(column->slot);
  if (!index) return std::nullopt;
  Result<Value> value = evaluate_constant(*constant);
  if (!value.ok() || value->is_null()) return std::nullopt;
  std::optional<Value> exact = exact_key_value(*value, def.columns[*index]);
  if (!exact) return std::nullopt;
  return KeyPredicate{*index, op, std::move(*exact)};
}

// Keeps the tighter of two lower (or upper) bounds; on equal values the exclusive one.
void tighten(std::optional<KeyPredicate>& bound, const KeyPredicate& candidate, bool is_lower) {
  if (!bound) {
    bound = candidate;
    return;
  }
  const int order = kernel::compare_values(candidate.value, bound->value);
  const bool exclusive = candidate.op == BinaryOperator::greater || candidate.op == BinaryOperator::less;
  if ((is_lower ? order > 0 : order < 0) || (order == 0 && exclusive)) bound = candidate;
}

KeyRange build_range(const std::vector<std::uint32_t>& key_columns, const std::vector<KeyPredicate>& predicates,
                     const kernel::TableDef& def) {
  KeyRange range;
  for (std::uint32_t column : key_columns) {
    const KeyPredicate* equality = nullptr;
    for (const KeyPredicate& predicate : predicates) {
      if (predicate.column == column && predicate.op == BinaryOperator::equal) {
        equality = &predicate;
        break;
      }
    }
    if (equality) {
      range.equalities.push_back(equality->value);
      range.terms.push_back(def.columns[column].name + " = " + literal_to_sql(equality->value));
      continue;
    }
    for (const KeyPredicate& predicate : predicates) {
      if (predicate.column != column) continue;
      const bool is_lower = predicate.op == BinaryOperator::greater || predicate.op == BinaryOperator::greater_equal;
      tighten(is_lower ? range.lower : range.upper, predicate, is_lower);
    }
    for (const std::optional<KeyPredicate>* bound : {&range.lower, &range.upper}) {
      if (!*bound) continue;
      range.terms.push_back(def.columns[column].name + " " + std::string(binary_operator_text((*bound)->op)) + " " +
                            literal_to_sql((*bound)->value));
    }
    break;
  }
  return range;
}

std::optional<projection::KeyBound> encode_bound(const KeyRange& range, const std::optional<KeyPredicate>& bound) {
  if (!bound && range.equalities.empty()) return std::nullopt;
  kernel::Row values = range.equalities;
  bool inclusive = true;
  if (bound) {
    values.push_back(bound->value);
    inclusive = bound->op == BinaryOperator::greater_equal || bound->op == BinaryOperator::less_equal;
  }
  return projection::KeyBound{kernel::encode_key(values), inclusive};
}

std::string range_text(const KeyRange& range) {
  std::string text = range.lower && range.lower->op == BinaryOperator::greater ? "(" : "[";
  for (std::size_t i = 0; i < range.terms.size(); i++) {
    if (i > 0) text += ", ";
    text += range.terms[i];
  }
  return text + (range.upper && range.upper->op == BinaryOperator::less ? ")" : "]");
}

AccessPath range_path(AccessPath::Kind kind, const KeyRange& range) {
  AccessPath path;
  path.kind = kind;
  path.lower = encode_bound(range, range.lower);
  path.upper = encode_bound(range, range.upper);
  path.bounds_text = range_text(range);
  return path;
}

bool better(const KeyRange& candidate, const KeyRange& best) {
  if (candidate.equalities.size() != best.equalities.size()) return candidate.equalities.size() > best.equalities.size();
  return candidate.has_range() && !best.has_range();
}

std::optional<Value> exact_integer(const Value& value, Type type) {
  std::int64_t integer = 0;
  if (kernel::is_integer_type(value.type())) {
    integer = value.as_int();
  } else if (value.type() == Type::decimal) {
    std::optional<std::int64_t> rounded = decimal_to_integer(value.as_decimal());
    if (!rounded || kernel::compare_values(Value::integer(*rounded), value) != 0) return std::nullopt;
    integer = *rounded;
  } else if (value.type() == Type::real || value.type() == Type::double_precision) {
    const double d = value.as_double();
    if (!std::isfinite(d) || std::floor(d) != d || d >= 9.2233720368547758e18 || d < -9.2233720368547758e18) {
      return std::nullopt;
    }
    integer = static_cast<std::int64_t>(d);
  } else {
    return std::nullopt;
  }
  if (type == Type::smallint && (integer < -32768 || integer > 32767)) return std::nullopt;
  if (type == Type::integer &&
      (integer < std::numeric_limits<std::int32_t>::min() || integer > std::numeric_limits<std::int32_t>::max())) {
    return std::nullopt;
  }
  return Value::integer(integer, type);
}

std::optional<Value> exact_floating(const Value& value, Type type) {
  if (!kernel::is_numeric_type(value.type())) return std::nullopt;
  const double d = value.numeric_as_double();
  Value converted = Value::floating(d, type);
  if (kernel::compare_values(converted, value) != 0) return std::nullopt;
  if (type == Type::real && static_cast<double>(static_cast<float>(d)) != d) return std::nullopt;
  return converted;
}

std::optional<Value> exact_decimal(const Value& value, const kernel::ColumnDef& column) {
  kernel::Decimal decimal;
  if (kernel::is_integer_type(value.type())) {
    decimal = decimal_from_integer(value.as_int());
  } else if (value.type() == Type::decimal) {
    decimal = value.as_decimal();
  } else {
    return std::nullopt;
  }
  Result<kernel::Decimal> rescaled = decimal_rescale(decimal, column.decimal_scale, column.decimal_precision);
  if (!rescaled.ok()) return std::nullopt;
  Value converted = Value::decimal(*rescaled);
  if (kernel::compare_values(converted, value) != 0) return std::nullopt;
  return converted;
}

}  // namespace

std::optional<Value> exact_key_value(const Value& value, const kernel::ColumnDef& column) {
  const Type type = column.type;
  switch (type) {
    case Type::smallint:
    case Type::integer:
    case Type::bigint: return exact_integer(value, type);
    case Type::real:
    case Type::double_precision: return exact_floating(value, type);
    case Type::decimal: return exact_decimal(value, column);
    case Type::text:
    case Type::json:
      if (value.type() != Type::text && value.type() != Type::json) return std::nullopt;
      return type == Type::text ? Value::text(value.as_string()) : Value::json(value.as_string());
    case Type::date:
      if (value.type() == Type::date) return value;
      if (value.type() == Type::timestamp && value.as_int() % 86'400'000'000LL == 0) {
        return Value::date(static_cast<std::int32_t>(value.as_int() / 86'400'000'000LL));
      }
      return std::nullopt;
    case Type::timestamp:
      if (value.type() == Type::timestamp) return value;
      if (value.type() == Type::date) return Value::timestamp(value.as_int() * 86'400'000'000LL);
      return std::nullopt;
    default: return value.type() == type ? std::optional<Value>(value) : std::nullopt;
  }
}

AccessPath choose_access_path(const kernel::TableDef& def, kernel::Position as_of,
                              std::span<const BoundExpression* const> conjuncts,
                              const std::function<std::optional<std::uint32_t>(std::uint32_t)>& column_of_slot,
                              const std::function<bool(const kernel::IndexDef&)>& index_usable) {
  std::vector<KeyPredicate> predicates;
  for (const BoundExpression* conjunct : conjuncts) {
    if (std::optional<KeyPredicate> predicate = key_predicate(*conjunct, def, column_of_slot)) {
      predicates.push_back(std::move(*predicate));
    }
  }
  if (predicates.empty()) return AccessPath{};
  std::optional<KeyRange> best;
  AccessPath best_path;
  if (!def.has_implicit_key()) {
    KeyRange range = build_range(def.primary_key, predicates, def);
    if (range.equalities.size() == def.primary_key.size()) {
      AccessPath path;
      path.kind = AccessPath::Kind::primary_key_lookup;
      path.key = range.equalities;
      std::string text;
      for (const std::string& term : range.terms) text += (text.empty() ? "" : ", ") + term;
      path.bounds_text = "(" + text + ")";
      return path;
    }
    if (range.useful()) {
      best_path = range_path(AccessPath::Kind::primary_key_range, range);
      best = std::move(range);
    }
  }
  for (const kernel::IndexDef& index : def.indexes) {
    const bool usable = index_usable ? index_usable(index) : index.created_at <= as_of && as_of < index.dropped_at;
    if (!usable) continue;
    KeyRange range = build_range(index.columns, predicates, def);
    if (!range.useful() || (best && !better(range, *best))) continue;
    best_path = range_path(AccessPath::Kind::index_range, range);
    best_path.index_id = index.id;
    best_path.index_name = index.name;
    best = std::move(range);
  }
  return best_path;
}

}  // namespace kmb::sql
