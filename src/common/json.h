// Bounded JSON parsing and typed field access over Boost.JSON.
//
// Parsing outside input goes through ParseJson so that size and depth limits
// and error messages are the same everywhere. Field accessors return precise
// errors naming the JSON path ("/name: expected a string"). Thread-safe:
// free functions over caller-owned values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "common/result.h"

namespace digitrade::json {

struct Limits {
  std::size_t max_bytes = 1 << 20;  // 1 MiB
  std::size_t max_depth = 32;
};

// Parses `text` as one JSON value. Errors: invalid_argument (not JSON, with
// the parser's reason and byte offset; trailing data; too deep),
// resource_exhausted (larger than limits.max_bytes).
Result<boost::json::value> Parse(std::string_view text, const Limits& limits = {});

// Parses and requires a JSON object at the top level.
Result<boost::json::object> ParseObject(std::string_view text, const Limits& limits = {});

// Field access on an object. `Required*` fail with invalid_argument when the
// member is missing or has the wrong type; `Optional*` only when the type is
// wrong. The error message names the member as a JSON pointer.
Result<std::string> RequiredString(const boost::json::object& o, std::string_view key);
Result<std::optional<std::string>> OptionalString(const boost::json::object& o,
                                                  std::string_view key);
Result<int64_t> RequiredInt(const boost::json::object& o, std::string_view key);
Result<std::optional<int64_t>> OptionalInt(const boost::json::object& o, std::string_view key);
Result<std::optional<bool>> OptionalBool(const boost::json::object& o, std::string_view key);

// Rejects members not in `allowed`, so typos are reported, not ignored.
Status RejectUnknownMembers(const boost::json::object& o,
                            std::initializer_list<std::string_view> allowed);

// Compact serialisation.
std::string Serialize(const boost::json::value& v);

}  // namespace digitrade::json
