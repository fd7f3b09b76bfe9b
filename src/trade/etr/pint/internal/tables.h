// PINT's document tables, shared by the two EblRegistry implementations
// (SqlEblRegistry in registry.cc, EtrEblRegistry in etr_registry.cc): which
// additional documents belong to which transport document, their content, and
// the transfers we accepted (for DUPE). Tables in docs/pint.md.
//
// Thread-safety: free functions over the caller's executor.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "storage/database.h"
#include "trade/etr/pint/registry.h"

namespace digitrade::trade::etr::pint::internal {

// Stores the documents with content and links all of `r.documents` to the
// transport document.
Status LinkDocuments(storage::Executor& ex, const TransferRecord& r);
// The documents linked to transport document `td`, with content, by checksum.
Result<std::vector<StoredDocument>> LoadDocuments(storage::Executor& ex, const std::string& td);
// Remembers the last entry of an accepted transfer (DUPE detection).
Status MarkAccepted(storage::Executor& ex, const std::string& td, const std::string& last_checksum,
                    std::int64_t now_micros);
// The accepted last-entry checksums for `td`.
Result<std::vector<std::string>> AcceptedLast(storage::Executor& ex, const std::string& td);

}  // namespace digitrade::trade::etr::pint::internal
