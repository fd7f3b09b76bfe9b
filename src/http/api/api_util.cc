#include "http/api/api_util.h"

#include <charconv>

#include <fmt/format.h>

#include "common/json.h"
#include "crypto/base64.h"

namespace digitrade::http::api {

Result<boost::json::object> JsonBody(const Request& req) {
  if (req.body.empty()) return InvalidArgument("the request body is empty; expected a JSON object");
  return json::ParseObject(req.body);
}

Result<PageParams> ParsePage(const Request& req, int default_limit, int max_limit) {
  PageParams p{.limit = default_limit};
  if (auto l = req.Query("limit")) {
    int v = 0;
    const auto [ptr, ec] = std::from_chars(l->data(), l->data() + l->size(), v);
    if (ec != std::errc() || ptr != l->data() + l->size() || v < 1 || v > max_limit) {
      return InvalidArgument(fmt::format("limit must be an integer from 1 to {}", max_limit));
    }
    p.limit = v;
  }
  if (auto a = req.Query("after")) p.after = std::string(*a);
  return p;
}

boost::json::object ListEnvelope(boost::json::array items, std::string_view next_cursor) {
  boost::json::object o;
  o["items"] = std::move(items);
  if (next_cursor.empty()) {
    o["next_cursor"] = nullptr;
  } else {
    o["next_cursor"] = next_cursor;
  }
  return o;
}

Status RequireMember(const Request& req, std::string_view organisation_id, std::string_view what) {
  const auto& caller = req.Caller();
  if (caller.Has(identity::Role::kAdmin)) return {};
  if (caller.organisation_id && *caller.organisation_id == organisation_id) return {};
  return PermissionDenied(
      fmt::format("only the organisation's own users (or an admin) may {}", what));
}

Response Created(const boost::json::value& body, std::string location) {
  Response r = Response::Json(201, body);
  r.headers.emplace_back("Location", std::move(location));
  return r;
}

Result<std::vector<std::uint8_t>> TextOrBase64(const boost::json::object& body,
                                               std::string_view text_member,
                                               std::string_view base64_member) {
  DT_ASSIGN_OR_RETURN(auto text, json::OptionalString(body, text_member));
  DT_ASSIGN_OR_RETURN(auto b64, json::OptionalString(body, base64_member));
  if (text.has_value() == b64.has_value()) {
    return InvalidArgument(fmt::format("give exactly one of /{} (text) and /{}", text_member,
                                       base64_member));
  }
  if (text) return std::vector<std::uint8_t>(text->begin(), text->end());
  auto bytes = crypto::Base64Decode(*b64);
  if (!bytes) return InvalidArgument(fmt::format("/{}: {}", base64_member, bytes.error().message()));
  return *std::move(bytes);
}

}  // namespace digitrade::http::api
