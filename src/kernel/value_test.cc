#include "kernel/value.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "io/prng.h"

namespace kmb::kernel {
namespace {

Value dec(std::string_view text) { return Value::decimal(parse_decimal(text).value()); }

std::vector<Value> samples_of(Type type, io::Prng& prng) {
  std::vector<Value> values{Value::null()};
  for (int i = 0; i < 200; i++) {
    switch (type) {
      case Type::bigint: {
        std::int64_t v = static_cast<std::int64_t>(prng.next_u64());
        if (i % 3 == 0) v = static_cast<std::int64_t>(prng.uniform(2000)) - 1000;
        values.push_back(Value::integer(v));
        break;
      }
      case Type::double_precision: {
        double d = (prng.unit_double() - 0.5) * (i % 2 ? 1e6 : 3);
        if (i % 7 == 0) d = -0.0;
        values.push_back(Value::floating(d));
        break;
      }
      case Type::decimal: {
        std::int64_t m = static_cast<std::int64_t>(prng.uniform(200000)) - 100000;
        values.push_back(Value::decimal(Decimal{m, static_cast<std::uint8_t>(prng.uniform(6))}));
        break;
      }
      case Type::text: {
        std::string s;
        std::size_t n = prng.uniform(6);
        for (std::size_t k = 0; k < n; k++) s.push_back(static_cast<char>(prng.uniform(4)));  // includes NUL
        values.push_back(Value::text(s));
        break;
      }
      default: KMB_UNREACHABLE();
    }
  }
  return values;
}

TEST(Value, KeyEncodingPreservesOrder) {
  io::Prng prng(1);
  for (Type type : {Type::bigint, Type::double_precision, Type::decimal, Type::text}) {
    std::vector<Value> values = samples_of(type, prng);
    for (std::size_t i = 0; i < values.size(); i++) {
      for (std::size_t j = 0; j < values.size(); j += 7) {
        Bytes a = encode_key(Row{values[i]});
        Bytes b = encode_key(Row{values[j]});
        int by_key = a < b ? -1 : (b < a ? 1 : 0);
        ASSERT_EQ(by_key, compare_values(values[i], values[j]))
            << type_name(type) << ": " << to_display(values[i]) << " vs " << to_display(values[j]);
      }
    }
  }
}

TEST(Value, CompositeKeysSortColumnByColumn) {
  Bytes ab = encode_key(Row{Value::text("a"), Value::integer(9)});
  Bytes a_b = encode_key(Row{Value::text("a\x01"), Value::integer(1)});
  Bytes b = encode_key(Row{Value::text("b"), Value::integer(0)});
  EXPECT_LT(ab, a_b);
  EXPECT_LT(a_b, b);
  Bytes prefix = encode_key(Row{Value::text("a")});
  EXPECT_TRUE(std::equal(prefix.begin(), prefix.end(), ab.begin()));
}

TEST(Value, CodecRoundTripsEveryType) {
  Row row{Value::null(),
          Value::boolean(true),
          Value::integer(-5, Type::smallint),
          Value::integer(1 << 30, Type::integer),
          Value::integer(INT64_MIN),
          Value::floating(1.5, Type::real),
          Value::floating(-2.25),
          dec("-12345.678"),
          Value::text("héllo"),
          Value::bytes(Bytes{0, 1, 255}),
          Value::date(19737),
          Value::timestamp(1'705'314'600'000'000LL),
          Value::uuid(parse_uuid("123e4567-e89b-12d3-a456-426614174000").value()),
          Value::json(R"({"a":1})")};
  Bytes encoded;
  encode_row(row, encoded);
  ByteSpan input(encoded);
  Result<Row> decoded = decode_row(input);
  ASSERT_TRUE(decoded.ok());
  EXPECT_TRUE(input.empty());
  ASSERT_EQ(decoded->size(), row.size());
  for (std::size_t i = 0; i < row.size(); i++) {
    EXPECT_EQ((*decoded)[i], row[i]) << i;
    EXPECT_EQ((*decoded)[i].type(), row[i].type()) << i;
  }
  for (std::size_t cut = 0; cut < encoded.size(); cut++) {
    ByteSpan truncated(encoded.data(), cut);
    EXPECT_FALSE(decode_row(truncated).ok()) << cut;
  }
}

TEST(Value, Display) {
  EXPECT_EQ(to_display(Value()), "NULL");
  EXPECT_EQ(to_display(Value::floating(0.1)), "0.1");
  EXPECT_EQ(to_display(dec("1.50")), "1.50");
  EXPECT_EQ(to_display(dec("-0.05")), "-0.05");
  EXPECT_EQ(to_display(Value::date(19737)), "2024-01-15");
  EXPECT_EQ(to_display(Value::timestamp(1'705'314'600'500'000LL)), "2024-01-15 10:30:00.5");
  EXPECT_EQ(to_display(Value::timestamp(-1)), "1969-12-31 23:59:59.999999");
  EXPECT_EQ(to_display(Value::bytes(Bytes{0xde, 0xad})), "\\xdead");
  EXPECT_EQ(to_display(Value::uuid(parse_uuid("123E4567E89B12D3A456426614174000").value())),
            "123e4567-e89b-12d3-a456-426614174000");
}

TEST(Value, NumericComparisonsAcrossTypes) {
  EXPECT_EQ(compare_values(Value::integer(2), Value::floating(2.0)), 0);
  EXPECT_LT(compare_values(Value::integer(2), Value::floating(2.5)), 0);
  EXPECT_EQ(compare_values(Value::integer(3), dec("3.000")), 0);
  EXPECT_GT(compare_values(dec("3.01"), Value::integer(3)), 0);
  EXPECT_LT(compare_values(Value(), Value::integer(-100)), 0);
  EXPECT_EQ(hash_value(Value::integer(7)), hash_value(Value::floating(7.0)));
  EXPECT_EQ(Value::integer(INT64_MAX).as_int(), INT64_MAX);
  EXPECT_GT(compare_values(Value::integer(INT64_MAX), Value::floating(9.2e18)), 0);
}

TEST(Value, ParsesDecimalsUuidsAndTypes) {
  EXPECT_EQ(decimal_to_string(parse_decimal("001.2300").value()), "1.2300");
  EXPECT_EQ(decimal_to_string(parse_decimal("1.5e2").value()), "150");
  EXPECT_EQ(decimal_to_string(parse_decimal("-.5").value()), "-0.5");
  EXPECT_FALSE(parse_decimal("1.2.3").has_value());
  EXPECT_FALSE(parse_decimal("abc").has_value());
  EXPECT_FALSE(parse_uuid("123").has_value());
  EXPECT_EQ(parse_type_name("varchar"), Type::text);
  EXPECT_EQ(parse_type_name("Double Precision"), Type::double_precision);
  EXPECT_FALSE(parse_type_name("money").has_value());
}

}  // namespace
}  // namespace kmb::kernel
