#include "kernel/command.h"

#include <type_traits>

#include "kernel/codec.h"
#include "kernel/schema_codec.h"

namespace kmb::kernel {

namespace {

// Payload layout version of a command record (docs/format/snapshot.md, "Command records").
constexpr std::uint8_t command_record_version = 1;

// Tags of the encoded commands. Stable forever: they are in the log.
enum class CommandTag : std::uint8_t {
  create_table = 1,
  drop_table = 2,
  add_column = 3,
  drop_column = 4,
  create_index = 5,
  drop_index = 6,
  insert_rows = 7,
  update_rows = 8,
  delete_rows = 9,
  create_stream = 10,
  append_events = 11,
  create_view = 12,
  drop_view = 13,
};

// The smallest encoded command (tag + an empty name + a flag byte).
constexpr std::size_t command_size_min_bytes = 1 + 4 + 1;
// The smallest encoded row (a column count).
constexpr std::size_t row_size_min_bytes = 4;

void encode_rows(const std::vector<Row>& rows, Encoder& out) {
  out.count(rows.size());
  for (const Row& row : rows) out.row(row);
}

Result<std::vector<Row>> decode_rows(Decoder& in) {
  KMB_ASSIGN_OR_RETURN(const std::uint32_t count, in.count(row_size_min_bytes));
  std::vector<Row> rows;
  rows.reserve(count);
  for (std::uint32_t i = 0; i < count; i++) {
    KMB_ASSIGN_OR_RETURN(Row row, in.row());
    rows.push_back(std::move(row));
  }
  return rows;
}

void encode_command(const Command& command, Encoder& out) {
  std::visit(
      [&out](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, CreateTable>) {
          out.u8(static_cast<std::uint8_t>(CommandTag::create_table));
          encode_table_def(c.table, out);
          out.boolean(c.if_not_exists);
        } else if constexpr (std::is_same_v<T, DropTable>) {
          out.u8(static_cast<std::uint8_t>(CommandTag::drop_table));
          out.string(c.table);
          out.boolean(c.if_exists);
        } else if constexpr (std::is_same_v<T, AddColumn>) {
          out.u8(static_cast<std::uint8_t>(CommandTag::add_column));
          out.string(c.table);
          encode_column_def(c.column, out);
        } else if constexpr (std::is_same_v<T, DropColumn>) {
          out.u8(static_cast<std::uint8_t>(CommandTag::drop_column));
          out.string(c.table);
          out.string(c.column);
        } else if constexpr (std::is_same_v<T, CreateIndex>) {
          out.u8(static_cast<std::uint8_t>(CommandTag::create_index));
          out.string(c.table);
          out.string(c.name);
          out.count(c.columns.size());
          for (const std::string& column : c.columns) out.string(column);
          out.boolean(c.unique);
          out.boolean(c.if_not_exists);
        } else if constexpr (std::is_same_v<T, DropIndex>) {
          out.u8(static_cast<std::uint8_t>(CommandTag::drop_index));
          out.string(c.name);
          out.boolean(c.if_exists);
        } else if constexpr (std::is_same_v<T, InsertRows>) {
          out.u8(static_cast<std::uint8_t>(CommandTag::insert_rows));
          out.string(c.table);
          encode_rows(c.rows, out);
        } else if constexpr (std::is_same_v<T, UpdateRows>) {
          out.u8(static_cast<std::uint8_t>(CommandTag::update_rows));
          out.string(c.table);
          encode_rows(c.keys, out);
          encode_rows(c.rows, out);
        } else if constexpr (std::is_same_v<T, DeleteRows>) {
          out.u8(static_cast<std::uint8_t>(CommandTag::delete_rows));
          out.string(c.table);
          encode_rows(c.keys, out);
        } else if constexpr (std::is_same_v<T, CreateStream>) {
          out.u8(static_cast<std::uint8_t>(CommandTag::create_stream));
          out.string(c.name);
          out.boolean(c.if_not_exists);
        } else if constexpr (std::is_same_v<T, CreateView>) {
          out.u8(static_cast<std::uint8_t>(CommandTag::create_view));
          encode_view_def(c.view, out);
          out.boolean(c.if_not_exists);
        } else if constexpr (std::is_same_v<T, DropView>) {
          out.u8(static_cast<std::uint8_t>(CommandTag::drop_view));
          out.string(c.name);
          out.boolean(c.if_exists);
        } else {
          static_assert(std::is_same_v<T, AppendEvents>);
          out.u8(static_cast<std::uint8_t>(CommandTag::append_events));
          out.string(c.stream);
          out.boolean(c.expected_offset.has_value());
          if (c.expected_offset.has_value()) out.u64(*c.expected_offset);
          out.count(c.events.size());
          for (const Bytes& event : c.events) out.bytes(event);
        }
      },
      command);
}

Result<Command> decode_create_index(Decoder& in) {
  CreateIndex c;
  KMB_ASSIGN_OR_RETURN(c.table, in.string());
  KMB_ASSIGN_OR_RETURN(c.name, in.string());
  KMB_ASSIGN_OR_RETURN(const std::uint32_t count, in.count(4));
  c.columns.reserve(count);
  for (std::uint32_t i = 0; i < count; i++) {
    KMB_ASSIGN_OR_RETURN(std::string column, in.string());
    c.columns.push_back(std::move(column));
  }
  KMB_ASSIGN_OR_RETURN(c.unique, in.boolean());
  KMB_ASSIGN_OR_RETURN(c.if_not_exists, in.boolean());
  return Command(std::move(c));
}

Result<Command> decode_append_events(Decoder& in) {
  AppendEvents c;
  KMB_ASSIGN_OR_RETURN(c.stream, in.string());
  KMB_ASSIGN_OR_RETURN(const bool has_expected, in.boolean());
  if (has_expected) {
    KMB_ASSIGN_OR_RETURN(const std::uint64_t expected, in.u64());
    c.expected_offset = expected;
  }
  KMB_ASSIGN_OR_RETURN(const std::uint32_t count, in.count(4));
  c.events.reserve(count);
  for (std::uint32_t i = 0; i < count; i++) {
    KMB_ASSIGN_OR_RETURN(Bytes event, in.bytes());
    c.events.push_back(std::move(event));
  }
  return Command(std::move(c));
}

Result<Command> decode_row_command(CommandTag tag, Decoder& in) {
  KMB_ASSIGN_OR_RETURN(std::string table, in.string());
  if (tag == CommandTag::insert_rows) {
    InsertRows c{std::move(table), {}};
    KMB_ASSIGN_OR_RETURN(c.rows, decode_rows(in));
    return Command(std::move(c));
  }
  if (tag == CommandTag::update_rows) {
    UpdateRows c{std::move(table), {}, {}};
    KMB_ASSIGN_OR_RETURN(c.keys, decode_rows(in));
    KMB_ASSIGN_OR_RETURN(c.rows, decode_rows(in));
    return Command(std::move(c));
  }
  KMB_ASSERT(tag == CommandTag::delete_rows);
  DeleteRows c{std::move(table), {}};
  KMB_ASSIGN_OR_RETURN(c.keys, decode_rows(in));
  return Command(std::move(c));
}

Result<Command> decode_command(Decoder& in) {
  KMB_ASSIGN_OR_RETURN(const std::uint8_t raw_tag, in.u8());
  const auto tag = static_cast<CommandTag>(raw_tag);
  switch (tag) {
    case CommandTag::create_table: {
      CreateTable c;
      KMB_ASSIGN_OR_RETURN(c.table, decode_table_def(in));
      KMB_ASSIGN_OR_RETURN(c.if_not_exists, in.boolean());
      return Command(std::move(c));
    }
    case CommandTag::drop_table: {
      DropTable c;
      KMB_ASSIGN_OR_RETURN(c.table, in.string());
      KMB_ASSIGN_OR_RETURN(c.if_exists, in.boolean());
      return Command(std::move(c));
    }
    case CommandTag::add_column: {
      AddColumn c;
      KMB_ASSIGN_OR_RETURN(c.table, in.string());
      KMB_ASSIGN_OR_RETURN(c.column, decode_column_def(in));
      return Command(std::move(c));
    }
    case CommandTag::drop_column: {
      DropColumn c;
      KMB_ASSIGN_OR_RETURN(c.table, in.string());
      KMB_ASSIGN_OR_RETURN(c.column, in.string());
      return Command(std::move(c));
    }
    case CommandTag::create_index:
      return decode_create_index(in);
    case CommandTag::drop_index: {
      DropIndex c;
      KMB_ASSIGN_OR_RETURN(c.name, in.string());
      KMB_ASSIGN_OR_RETURN(c.if_exists, in.boolean());
      return Command(std::move(c));
    }
    case CommandTag::insert_rows:
    case CommandTag::update_rows:
    case CommandTag::delete_rows:
      return decode_row_command(tag, in);
    case CommandTag::create_stream: {
      CreateStream c;
      KMB_ASSIGN_OR_RETURN(c.name, in.string());
      KMB_ASSIGN_OR_RETURN(c.if_not_exists, in.boolean());
      return Command(std::move(c));
    }
    case CommandTag::append_events:
      return decode_append_events(in);
    case CommandTag::create_view: {
      CreateView c;
      KMB_ASSIGN_OR_RETURN(c.view, decode_view_def(in));
      KMB_ASSIGN_OR_RETURN(c.if_not_exists, in.boolean());
      return Command(std::move(c));
    }
    case CommandTag::drop_view: {
      DropView c;
      KMB_ASSIGN_OR_RETURN(c.name, in.string());
      KMB_ASSIGN_OR_RETURN(c.if_exists, in.boolean());
      return Command(std::move(c));
    }
  }
  return in.error("unknown command tag " + std::to_string(raw_tag));
}

}  // namespace

std::string_view command_operation(const Command& command) {
  return std::visit(
      [](const auto& c) -> std::string_view {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, CreateTable>) return "CREATE TABLE";
        if constexpr (std::is_same_v<T, DropTable>) return "DROP TABLE";
        if constexpr (std::is_same_v<T, AddColumn>) return "ALTER TABLE ADD COLUMN";
        if constexpr (std::is_same_v<T, DropColumn>) return "ALTER TABLE DROP COLUMN";
        if constexpr (std::is_same_v<T, CreateIndex>) return "CREATE INDEX";
        if constexpr (std::is_same_v<T, DropIndex>) return "DROP INDEX";
        if constexpr (std::is_same_v<T, InsertRows>) return "INSERT";
        if constexpr (std::is_same_v<T, UpdateRows>) return "UPDATE";
        if constexpr (std::is_same_v<T, DeleteRows>) return "DELETE";
        if constexpr (std::is_same_v<T, CreateStream>) return "CREATE STREAM";
        if constexpr (std::is_same_v<T, AppendEvents>) return "APPEND";
        if constexpr (std::is_same_v<T, CreateView>) return "CREATE VIEW";
        if constexpr (std::is_same_v<T, DropView>) return "DROP VIEW";
      },
      command);
}

void encode_command_record(const CommandRecord& record, Bytes& out) {
  Encoder encoder(out);
  encoder.u8(command_record_version);
  encoder.string(record.actor);
  encoder.string(record.statement);
  encoder.count(record.commands.size());
  for (const Command& command : record.commands) encode_command(command, encoder);
}

Result<CommandRecord> decode_command_record(ByteSpan input) {
  Decoder in(input, "command record");
  KMB_ASSIGN_OR_RETURN(const std::uint8_t version, in.u8());
  if (version == 0) return in.error("format version 0");
  if (version > command_record_version) {
    return unsupported("command record format version " + std::to_string(version) + " is newer than this build's " +
                       std::to_string(command_record_version));
  }
  CommandRecord record;
  KMB_ASSIGN_OR_RETURN(record.actor, in.string());
  KMB_ASSIGN_OR_RETURN(record.statement, in.string());
  KMB_ASSIGN_OR_RETURN(const std::uint32_t count, in.count(command_size_min_bytes));
  record.commands.reserve(count);
  for (std::uint32_t i = 0; i < count; i++) {
    KMB_ASSIGN_OR_RETURN(Command command, decode_command(in));
    record.commands.push_back(std::move(command));
  }
  KMB_TRY(in.finish());
  return record;
}

}  // namespace kmb::kernel
