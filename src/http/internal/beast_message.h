// Conversion between Boost.Beast messages and http::Request/Response.
// Private to http/ (and the fuzz target that drives the same path).
#pragma once

#include <string>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/message.h"

namespace digitrade::http::internal {

Request FromBeast(const boost::beast::http::request<boost::beast::http::string_body>& in,
                  std::string remote);

boost::beast::http::response<boost::beast::http::string_body> ToBeast(Response&& res,
                                                                      unsigned version,
                                                                      bool keep_alive, bool head);

}  // namespace digitrade::http::internal
