// The DCSA component schemas (schemas/dcsa_schemas.json) compiled into the
// binary, so validation works from a fresh clone without the YAML sources.
#pragma once

namespace digitrade::trade::etr::internal {

extern const char* const kDcsaSchemasJson;

}  // namespace digitrade::trade::etr::internal
