// gzip content coding (RFC 9110 §8.4.1.3) for responses that compress well,
// such as C2SP tlog-tiles entry bundles. zlib does the work.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"
#include "http/message.h"

namespace digitrade::http {

// Whether an Accept-Encoding field value admits gzip: "gzip" or "x-gzip"
// or "*" listed with a weight above zero (RFC 9110 §12.5.3). Malformed
// members are ignored.
bool AcceptsGzip(std::string_view accept_encoding);

// A gzip member holding `data`. Errors: internal if zlib fails.
Result<std::string> Gzip(std::string_view data);
// The bytes of a gzip stream. Errors: invalid_argument (not gzip, corrupt,
// truncated), resource_exhausted (more than `max_size` bytes).
Result<std::string> Gunzip(std::string_view data, std::size_t max_size);

// Makes `response` vary on Accept-Encoding and, when `request` accepts gzip,
// replaces its body by the gzip of it with Content-Encoding: gzip. A
// response is left uncompressed if compression fails.
void CompressIfAccepted(const Request& request, Response& response);

}  // namespace digitrade::http
