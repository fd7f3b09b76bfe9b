// RFC 8785 JSON Canonicalization Scheme (JCS): the byte-exact form of a JSON
// value that signatures over JSON are computed on. Members sorted by their
// UTF-16 code units, numbers in ECMAScript's shortest round-trip form,
// strings with the minimal escapes, no whitespace.
//
// Thread-safe free functions; no state.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "common/result.h"

namespace digitrade::crypto {

struct JcsLimits {
  std::size_t max_bytes = 1 << 20;
  std::size_t max_depth = 64;
};

// Parses `json` (I-JSON, RFC 7493: UTF-8, no duplicate member names, no
// lone surrogates) and returns its canonical form. Numbers are IEEE-754
// doubles as in ECMAScript. Errors: invalid_argument naming the byte offset
// (syntax, duplicate name, invalid UTF-8 or escape, number out of range,
// too deep); resource_exhausted above limits.max_bytes.
Result<std::string> CanonicalizeJson(std::string_view json, const JcsLimits& limits = {});

// The strict parser behind CanonicalizeJson, for other parsers of signed
// JSON (JWS headers): same rules and errors. Numbers come back as doubles.
Result<boost::json::value> ParseStrictJson(std::string_view json, const JcsLimits& limits = {});

// The canonical form of a value built in code. Integers are converted to
// doubles first (as JCS requires). Errors: invalid_argument for strings that
// are not valid UTF-8.
Result<std::string> CanonicalizeJson(const boost::json::value& value);

// ECMAScript Number.prototype.toString for a finite double (RFC 8785 §3.2.2.3).
// Errors: invalid_argument for NaN and infinities.
Result<std::string> SerializeJsonNumber(double value);

}  // namespace digitrade::crypto
