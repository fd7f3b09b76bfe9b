// Validation of JSON documents against OpenAPI 3.0 schema objects, and the
// published DCSA eBL 3.0 / PINT 3.0 component schemas embedded in the binary
// (src/trade/etr/schemas/, extracted by tools/etr/extract_dcsa_schemas.py).
//
// The validator covers the schema subset DCSA's files use and a little more:
// type (with OpenAPI 3.0's nullable), properties, required,
// additionalProperties (boolean or schema), items, minItems/maxItems,
// uniqueItems, minLength/maxLength (in code points), pattern (ECMA-262
// subset, linear time: internal/pattern.h), enum, format (date, date-time,
// uri, int32, int64; others are annotations), allOf/oneOf/anyOf/not, $ref
// ("#/Name" within the set), minimum/maximum with exclusive bounds (boolean
// as in 3.0 or numeric as in 3.1), multipleOf.
//
// Every violation is reported with the JSON path of the offending value
// (`$.transports.portOfLoading.UNLocationCode`, `$.charges[0].currencyCode`)
// and the keyword that failed. For oneOf/anyOf with no matching branch the
// violations of the closest branch are reported (the branch whose required
// members are present, then the one with the fewest violations).
//
// Usage:
//   DT_ASSIGN_OR_RETURN(auto schemas, SchemaSet::Dcsa(kDcsaPint));
//   DT_ASSIGN_OR_RETURN(auto violations, schemas.Validate("TransportDocument", doc));
//
// Thread-safety: a SchemaSet is immutable after creation; Validate() may be
// called from many threads at once. It owns its schemas and compiled patterns.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace digitrade::trade::etr {

// Names of the embedded DCSA definitions.
inline constexpr std::string_view kDcsaIssuance = "EBL_ISS_v3.0.3";
inline constexpr std::string_view kDcsaPint = "EBL_PINT_v3.0.0";
inline constexpr std::string_view kDcsaSurrender = "EBL_SUR_v3.0.3";
inline constexpr std::string_view kDcsaEndorsement = "EBL_END_v3.0.3";

struct SchemaViolation {
  std::string path;     // JSONPath of the value: "$", "$.a.b[2].c"
  std::string keyword;  // "required", "pattern", "maxLength", "type", ...
  std::string message;  // for humans

  // "$.a.b: pattern: ..." — one line.
  std::string ToString() const;
};

namespace internal {
class Pattern;
}

class SchemaSet {
 public:
  // `schemas` maps names to OpenAPI schema objects; "$ref": "#/Name" refers
  // to another member (so does "#/components/schemas/Name"). Every pattern is
  // compiled here. Errors: invalid_argument naming a malformed schema, an
  // unsupported pattern or a dangling $ref.
  static Result<SchemaSet> Create(boost::json::object schemas);

  // One of the embedded DCSA definitions (kDcsaIssuance, kDcsaPint, ...).
  // Errors: not_found for another name; internal if the embedded text is bad.
  static Result<SchemaSet> Dcsa(std::string_view definition);

  SchemaSet(SchemaSet&&) noexcept;
  SchemaSet& operator=(SchemaSet&&) noexcept;
  ~SchemaSet();

  bool Has(std::string_view name) const;

  // Every violation of `doc` against the named schema, in document order, at
  // most `max_violations` of them (then the last says more were cut).
  // Empty when the document conforms. Errors: not_found (no such schema).
  Result<std::vector<SchemaViolation>> Validate(std::string_view name,
                                                const boost::json::value& doc,
                                                std::size_t max_violations = 100) const;

 private:
  SchemaSet() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Turns violations into one invalid_argument error ("the document does not
// conform to DCSA TransportDocument: $.a: required: ...; $.b: ...").
Error ViolationsError(std::string_view what, const std::vector<SchemaViolation>& violations);

}  // namespace digitrade::trade::etr
