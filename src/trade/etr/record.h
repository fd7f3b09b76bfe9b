// The data model of electronic transferable records: record types, DCSA
// action codes, record state (holder, endorsee, pledgee explicitly), the
// chain of signed actions, and the rule table that says who may do what.
//
// Two record types share one engine (registry.h): the DCSA electronic bill of
// lading ("ebl": straight, to-order, blank-endorsed) and the electronic
// warehouse receipt ("ewr": warehouse, goods, quantity, holder, pledgee).
// What each type allows is data (kRules in record.cc), checked by
// CheckRule(), not conditionals spread over the engine.
//
// Thread-safety: value types and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"

namespace digitrade::trade::etr {

enum class RecordType { kEbl, kWarehouseReceipt };

// DCSA PINT 3.0 Transaction.actionCode values, plus the pledge pair of
// warehouse receipts. kSurrenderAccepted is DCSA's SACC (the Surrender API's
// SURR response), kSurrenderRejected SREJ.
enum class ActionCode {
  kIssue,
  kTransfer,
  kEndorse,
  kEndorseToOrder,
  kBlankEndorse,
  kSign,
  kSurrenderForDelivery,
  kSurrenderForAmendment,
  kSurrenderAccepted,
  kSurrenderRejected,
  kPledge,
  kRelease,
};

enum class RecordStatus {
  kActive,
  kSurrenderPending,  // possession with the issuer until SACC or SREJ
  kSurrendered,       // SACC of a surrender for delivery: terminal
  kAmended,           // SACC of a surrender for amendment: terminal; void once re-issued
  kSwitchedToPaper,   // SACC of a surrender for amendment with reason SWTP: terminal
  kVoid,              // amended and replaced by a new record (amended_by): terminal
};

// "ebl", "ewr".
std::string_view RecordTypeName(RecordType t);
Result<RecordType> ParseRecordType(std::string_view name);
// "ISSUE", "TRANSFER", ..., "SACC", "SREJ", "PLEDGE", "RELEASE". ParseActionCode
// also accepts "SURR" (the Surrender API's name for SACC).
std::string_view ActionCodeName(ActionCode c);
Result<ActionCode> ParseActionCode(std::string_view name);
// "active", "surrender_pending", "surrendered", "amended", "switched_to_paper",
// "void".
std::string_view RecordStatusName(RecordStatus s);
Result<RecordStatus> ParseRecordStatus(std::string_view name);
bool IsTerminal(RecordStatus s);

// DCSA's reason code for switching to paper (SURRENDER_FOR_AMENDMENT).
inline constexpr std::string_view kSwitchToPaper = "SWTP";

// The current state of one record: who holds it and what may happen next.
struct RecordState {
  RecordType type = RecordType::kEbl;
  RecordStatus status = RecordStatus::kActive;
  std::string issuer_id;  // carrier or warehouse (an organisation id)
  std::string holder_id;  // possessor
  // Title holder of a to-order bill; empty for straight bills, blank-endorsed
  // bills and receipts.
  std::string endorsee_id;
  std::string pledgee_id;  // warehouse receipts under pledge
  bool to_order = false;
  bool blank_endorsed = false;
  // A to-order bill whose last endorsement was plain ENDORSE (not
  // ENDORSE_TO_ORDER) may not be endorsed again.
  bool endorsable = true;
  // While kSurrenderPending: the request's code and reason, and the holder
  // to give possession back to on SREJ.
  std::optional<ActionCode> pending_code;
  std::string pending_reason;
  std::string surrender_from;

  // Whether `party` holds title: the holder of a straight or blank-endorsed
  // bill or a receipt; the holder who is also the endorsee of a to-order bill.
  bool HoldsTitle(std::string_view party) const;
};

// An action someone wants to take, before it is checked.
struct ActionIntent {
  ActionCode code = ActionCode::kTransfer;
  std::string actor_id;
  std::string recipient_id;  // empty when the action names none
  std::string reason_code;   // DCSA reasonCode (SURRENDER_FOR_AMENDMENT)
};

// Checks `intent` against the rule table for `state`. Errors:
// failed_precondition when the record's status or kind does not allow the
// action at all (terminal record, endorse of a straight bill, pledge of a
// pledged receipt), permission_denied when this actor may not take it (not
// the holder, not the endorsee, not the issuer), invalid_argument for a
// missing or wrong recipient. Each message says which rule failed.
Status CheckRule(const RecordState& state, const ActionIntent& intent);

// The state after a checked action. Precondition: CheckRule succeeded.
RecordState Apply(RecordState state, const ActionIntent& intent);

// One row of the rule table, for docs and the API (GET /v1/etr/rules).
struct RuleView {
  RecordType type;
  ActionCode code;
  std::string_view actor;      // "holder", "title holder", "issuer", "pledgee"
  std::string_view condition;  // "any", "to-order", "straight", ...
  std::string_view recipient;  // "required", "none", "issuer"
};
std::span<const RuleView> Rules();

}  // namespace digitrade::trade::etr
