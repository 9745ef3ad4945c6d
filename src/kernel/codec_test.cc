#include "kernel/codec.h"

#include <gtest/gtest.h>

#include "io/prng.h"
#include "kernel/command.h"
#include "kernel/schema.h"

namespace kmb::kernel {
namespace {

ColumnDef column(std::string name, Type type, bool not_null = false) {
  ColumnDef c;
  c.name = std::move(name);
  c.type = type;
  c.not_null = not_null;
  return c;
}

TableDef patients_table() {
  TableDef table;
  table.id = 1;
  table.name = "patients";
  table.columns = {column("id", Type::bigint, true), column("name", Type::text), column("born", Type::date)};
  table.columns[1].unique = true;
  table.columns[2].default_value = Value::date(19000);
  table.columns[2].added_at = 4;
  table.columns[2].dropped_at = 9;
  table.primary_key = {0};
  IndexDef index;
  index.id = 1;
  index.name = "patients_name_key";
  index.columns = {1};
  index.unique = true;
  index.created_at = 3;
  table.indexes.push_back(index);
  table.next_row_id = 17;
  table.created_at = 3;
  return table;
}

CommandRecord every_command() {
  CommandRecord record;
  record.actor = "dr.smith";
  record.statement = "-- every command";
  record.commands.push_back(CreateTable{patients_table(), true});
  record.commands.push_back(DropTable{"old", true});
  record.commands.push_back(AddColumn{"patients", column("email", Type::text)});
  record.commands.push_back(DropColumn{"patients", "born"});
  record.commands.push_back(CreateIndex{"patients", "by_name", {"name", "id"}, true, false});
  record.commands.push_back(DropIndex{"by_name", false});
  record.commands.push_back(InsertRows{"patients",
                                       {{Value::integer(7), Value::text("Ada"), Value::null()},
                                        {Value::integer(8), Value::text("Bob"), Value::date(3)}}});
  record.commands.push_back(
      UpdateRows{"patients", {{Value::integer(7)}}, {{Value::integer(7), Value::text("Ada L."), Value::null()}}});
  record.commands.push_back(DeleteRows{"patients", {{Value::integer(8)}}});
  record.commands.push_back(CreateStream{"events", false});
  record.commands.push_back(AppendEvents{"events", 3, {Bytes{1, 2, 3}, Bytes{}}});
  record.commands.push_back(AppendEvents{"events", std::nullopt, {Bytes{9}}});
  return record;
}

Bytes encode(const CommandRecord& record) {
  Bytes out;
  encode_command_record(record, out);
  return out;
}

TEST(CommandCodec, RoundTripsEveryCommand) {
  const CommandRecord record = every_command();
  const Bytes encoded = encode(record);
  Result<CommandRecord> decoded = decode_command_record(encoded);
  ASSERT_TRUE(decoded.ok()) << decoded.status().to_string();
  EXPECT_EQ(decoded->actor, "dr.smith");
  EXPECT_EQ(decoded->statement, "-- every command");
  ASSERT_EQ(decoded->commands.size(), record.commands.size());
  for (std::size_t i = 0; i < record.commands.size(); i++) {
    EXPECT_EQ(decoded->commands[i].index(), record.commands[i].index());
  }
  EXPECT_EQ(encode(*decoded), encoded);  // nothing lost, nothing reordered
  const auto& append = std::get<AppendEvents>(decoded->commands[10]);
  EXPECT_EQ(append.expected_offset, 3u);
  EXPECT_EQ(append.events[0], (Bytes{1, 2, 3}));
  EXPECT_FALSE(std::get<AppendEvents>(decoded->commands[11]).expected_offset.has_value());
  const auto& create = std::get<CreateTable>(decoded->commands[0]);
  EXPECT_EQ(create.table.columns[2].default_value, Value::date(19000));
  EXPECT_EQ(create.table.columns[2].dropped_at, 9u);
  EXPECT_TRUE(create.table.columns[1].unique);
}

TEST(CommandCodec, OperationNames) {
  EXPECT_EQ(command_operation(InsertRows{}), "INSERT");
  EXPECT_EQ(command_operation(UpdateRows{}), "UPDATE");
  EXPECT_EQ(command_operation(DeleteRows{}), "DELETE");
  EXPECT_EQ(command_operation(CreateTable{}), "CREATE TABLE");
  EXPECT_EQ(command_operation(AppendEvents{}), "APPEND");
}

TEST(CommandCodec, EmptyRecord) {
  const Bytes encoded = encode(CommandRecord{});
  Result<CommandRecord> decoded = decode_command_record(encoded);
  ASSERT_TRUE(decoded.ok());
  EXPECT_TRUE(decoded->commands.empty());
}

TEST(CommandCodec, EveryTruncationIsCorruption) {
  const Bytes encoded = encode(every_command());
  for (std::size_t size = 0; size < encoded.size(); size++) {
    Result<CommandRecord> decoded = decode_command_record(ByteSpan(encoded).first(size));
    ASSERT_FALSE(decoded.ok()) << size;
    EXPECT_EQ(decoded.status().code(), StatusCode::corruption) << size << " " << decoded.status().to_string();
  }
}

TEST(CommandCodec, TrailingBytesAreCorruption) {
  Bytes encoded = encode(every_command());
  encoded.push_back(0);
  EXPECT_EQ(decode_command_record(encoded).status().code(), StatusCode::corruption);
}

TEST(CommandCodec, NewerVersionIsUnsupported) {
  Bytes encoded = encode(every_command());
  encoded[0] = 2;
  EXPECT_EQ(decode_command_record(encoded).status().code(), StatusCode::unsupported);
}

TEST(CommandCodec, HugeCountsDoNotAllocate) {
  Bytes encoded = encode(CommandRecord{});
  // Replace the command count (last 4 bytes) by 2^32 - 1.
  for (std::size_t i = encoded.size() - 4; i < encoded.size(); i++) encoded[i] = 0xff;
  EXPECT_EQ(decode_command_record(encoded).status().code(), StatusCode::corruption);
}

TEST(CommandCodec, RandomDamageNeverCrashes) {
  const Bytes encoded = encode(every_command());
  io::Prng prng(42);
  for (int trial = 0; trial < 3000; trial++) {
    Bytes damaged = encoded;
    const std::uint64_t flips = prng.range(1, 4);
    for (std::uint64_t i = 0; i < flips; i++)
      damaged[prng.uniform(damaged.size())] ^= static_cast<std::uint8_t>(prng.range(1, 255));
    Result<CommandRecord> decoded = decode_command_record(damaged);
    if (!decoded.ok()) {
      EXPECT_TRUE(decoded.status().code() == StatusCode::corruption ||
                  decoded.status().code() == StatusCode::unsupported);
    }
  }
}

Catalog sample_catalog() {
  Catalog catalog;
  catalog.mutable_tables().push_back(patients_table());
  TableDef second;
  second.id = 2;
  second.name = "notes";
  second.columns = {column("body", Type::json)};
  second.dropped_at = 12;
  catalog.mutable_tables().push_back(second);
  catalog.mutable_streams().push_back(StreamDef{1, "audit", 5, 2});
  catalog.take_index_id();
  return catalog;
}

TEST(CatalogCodec, RoundTrip) {
  const Catalog catalog = sample_catalog();
  Bytes encoded;
  catalog.encode(encoded);
  ByteSpan input(encoded);
  Result<Catalog> decoded = Catalog::decode(input);
  ASSERT_TRUE(decoded.ok()) << decoded.status().to_string();
  EXPECT_TRUE(input.empty());
  Bytes again;
  decoded->encode(again);
  EXPECT_EQ(again, encoded);
  EXPECT_EQ(decoded->next_index_id(), 2u);
  ASSERT_NE(decoded->find_table("PATIENTS"), nullptr);
  EXPECT_EQ(decoded->find_table("notes"), nullptr);  // dropped at 12
  EXPECT_NE(decoded->find_table("notes", 11), nullptr);
  EXPECT_EQ(decoded->find_stream("Audit")->event_count, 5u);
}

TEST(CatalogCodec, EveryTruncationIsCorruption) {
  Bytes encoded;
  sample_catalog().encode(encoded);
  for (std::size_t size = 0; size < encoded.size(); size++) {
    ByteSpan input = ByteSpan(encoded).first(size);
    Result<Catalog> decoded = Catalog::decode(input);
    ASSERT_FALSE(decoded.ok()) << size;
    EXPECT_EQ(decoded.status().code(), StatusCode::corruption);
  }
}

TEST(CatalogCodec, StructuralDamageIsCorruption) {
  Catalog catalog = sample_catalog();
  catalog.mutable_tables()[0].primary_key = {7};  // no such column
  Bytes encoded;
  catalog.encode(encoded);
  ByteSpan input(encoded);
  EXPECT_EQ(Catalog::decode(input).status().code(), StatusCode::corruption);

  Catalog bad_id = sample_catalog();
  bad_id.mutable_tables()[1].id = 5;
  encoded.clear();
  bad_id.encode(encoded);
  input = ByteSpan(encoded);
  EXPECT_EQ(Catalog::decode(input).status().code(), StatusCode::corruption);
}

TEST(Schema, LookupsAreVersionedAndCaseInsensitive) {
  TableDef table = patients_table();
  EXPECT_EQ(table.find_column("NAME"), 1u);
  EXPECT_FALSE(table.find_column("born").has_value());  // dropped at 9
  EXPECT_EQ(table.find_column("born", 5), 2u);          // alive in [4, 9)
  EXPECT_FALSE(table.find_column("born", 3).has_value());
  ColumnDef again = column("born", Type::text);
  again.added_at = 10;
  table.columns.push_back(again);
  EXPECT_EQ(table.find_column("born"), 3u);
  EXPECT_TRUE(identifier_equal("Abc_1", "aBC_1"));
  EXPECT_FALSE(identifier_equal("abc", "abd"));
  EXPECT_FALSE(identifier_equal("abc", "abcd"));
}

TEST(Decoder, Primitives) {
  Bytes out;
  Encoder encoder(out);
  encoder.u8(1);
  encoder.u16(0x203);
  encoder.u32(0x4050607);
  encoder.u64(0x08090a0b0c0d0e0fULL);
  encoder.boolean(true);
  encoder.string("hi");
  Decoder decoder(out, "test");
  EXPECT_EQ(decoder.u8().value(), 1);
  EXPECT_EQ(decoder.u16().value(), 0x203);
  EXPECT_EQ(decoder.u32().value(), 0x4050607u);
  EXPECT_EQ(decoder.u64().value(), 0x08090a0b0c0d0e0fULL);
  EXPECT_TRUE(decoder.boolean().value());
  EXPECT_EQ(decoder.string().value(), "hi");
  EXPECT_TRUE(decoder.finish().ok());
  Result<std::uint8_t> past = decoder.u8();
  EXPECT_EQ(past.status().code(), StatusCode::corruption);
  EXPECT_NE(past.status().message().find("test: truncated"), std::string::npos);
}

}  // namespace
}  // namespace kmb::kernel
