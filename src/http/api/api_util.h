// Helpers shared by the API adapters: request JSON parsing with the
// platform's limits, pagination parameters, JSON for common shapes.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "common/result.h"
#include "http/message.h"

namespace digitrade::http::api {

// Parses the body as a JSON object (limits from common/json.h).
Result<boost::json::object> JsonBody(const Request& req);

// ?limit=N&after=CURSOR. Errors: invalid_argument for a non-numeric or
// out-of-range limit.
struct PageParams {
  int limit = 50;
  std::string after;
};
Result<PageParams> ParsePage(const Request& req, int default_limit = 50, int max_limit = 500);

// {"items": items, "next_cursor": cursor-or-null}
boost::json::object ListEnvelope(boost::json::array items, std::string_view next_cursor);

// The bytes of exactly one of two members: `text_member` (a JSON string,
// used as is) or `base64_member` (standard base64). Errors: invalid_argument
// naming the members.
Result<std::vector<std::uint8_t>> TextOrBase64(const boost::json::object& body,
                                               std::string_view text_member,
                                               std::string_view base64_member);

// Admins act for any organisation; everyone else for their own. Errors:
// permission_denied "only the organisation's own users (or an admin) may <what>".
Status RequireMember(const Request& req, std::string_view organisation_id, std::string_view what);

// 201 Created with a Location header.
Response Created(const boost::json::value& body, std::string location);

}  // namespace digitrade::http::api
