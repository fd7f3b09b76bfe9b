#include "common/json.h"

#include <boost/json/parser.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

namespace digitrade::json {

Result<boost::json::value> Parse(std::string_view text, const Limits& limits) {
  if (text.size() > limits.max_bytes) {
    return ResourceExhausted(
        fmt::format("JSON body of {} bytes exceeds the limit of {} bytes", text.size(),
                    limits.max_bytes));
  }
  boost::json::parse_options opt;
  opt.max_depth = limits.max_depth;
  boost::json::parser p(boost::json::storage_ptr(), opt);
  boost::system::error_code ec;
  const std::size_t n = p.write_some(text.data(), text.size(), ec);
  if (!ec && n < text.size()) {
    return InvalidArgument(fmt::format("invalid JSON: unexpected data after the value at byte {}", n));
  }
  if (ec) {
    if (ec == boost::json::error::too_deep) {
      return InvalidArgument(
          fmt::format("invalid JSON: nesting deeper than {} levels", limits.max_depth));
    }
    return InvalidArgument(fmt::format("invalid JSON at byte {}: {}", n, ec.message()));
  }
  return p.release();
}

Result<boost::json::object> ParseObject(std::string_view text, const Limits& limits) {
  DT_ASSIGN_OR_RETURN(auto v, Parse(text, limits));
  if (!v.is_object()) return InvalidArgument("invalid JSON: expected an object at the top level");
  return std::move(v.as_object());
}

namespace {
std::unexpected<Error> WrongType(std::string_view key, std::string_view want) {
  return InvalidArgument(fmt::format("/{}: expected {}", key, want));
}
}  // namespace

Result<std::string> RequiredString(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return InvalidArgument(fmt::format("/{}: required member is missing", key));
  if (!v->is_string()) return WrongType(key, "a string");
  return std::string(v->as_string());
}

Result<std::optional<std::string>> OptionalString(const boost::json::object& o,
                                                  std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<std::string>();
  if (!v->is_string()) return WrongType(key, "a string");
  return std::optional<std::string>(std::string(v->as_string()));
}

Result<int64_t> RequiredInt(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return InvalidArgument(fmt::format("/{}: required member is missing", key));
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return static_cast<int64_t>(v->as_uint64());
  }
  return WrongType(key, "an integer");
}

Result<std::optional<int64_t>> OptionalInt(const boost::json::object& o, std::string_view key) {
  if (o.if_contains(key) == nullptr || o.at(key).is_null()) return std::optional<int64_t>();
  DT_ASSIGN_OR_RETURN(auto i, RequiredInt(o, key));
  return std::optional<int64_t>(i);
}

Result<std::optional<bool>> OptionalBool(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<bool>();
  if (!v->is_bool()) return WrongType(key, "true or false");
  return std::optional<bool>(v->as_bool());
}

Status RejectUnknownMembers(const boost::json::object& o,
                            std::initializer_list<std::string_view> allowed) {
  for (const auto& kv : o) {
    bool known = false;
    for (auto a : allowed) known = known || kv.key() == a;
    if (!known) return InvalidArgument(fmt::format("/{}: unknown member", std::string_view(kv.key())));
  }
  return {};
}

std::string Serialize(const boost::json::value& v) { return boost::json::serialize(v); }

}  // namespace digitrade::json
