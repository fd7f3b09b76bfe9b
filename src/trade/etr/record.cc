#include "trade/etr/record.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

namespace digitrade::trade::etr {

namespace {

constexpr std::array<std::pair<ActionCode, std::string_view>, 12> kActionNames{{
    {ActionCode::kIssue, "ISSUE"},
    {ActionCode::kTransfer, "TRANSFER"},
    {ActionCode::kEndorse, "ENDORSE"},
    {ActionCode::kEndorseToOrder, "ENDORSE_TO_ORDER"},
    {ActionCode::kBlankEndorse, "BLANK_ENDORSE"},
    {ActionCode::kSign, "SIGN"},
    {ActionCode::kSurrenderForDelivery, "SURRENDER_FOR_DELIVERY"},
    {ActionCode::kSurrenderForAmendment, "SURRENDER_FOR_AMENDMENT"},
    {ActionCode::kSurrenderAccepted, "SACC"},
    {ActionCode::kSurrenderRejected, "SREJ"},
    {ActionCode::kPledge, "PLEDGE"},
    {ActionCode::kRelease, "RELEASE"},
}};

constexpr std::array<std::pair<RecordStatus, std::string_view>, 6> kStatusNames{{
    {RecordStatus::kActive, "active"},
    {RecordStatus::kSurrenderPending, "surrender_pending"},
    {RecordStatus::kSurrendered, "surrendered"},
    {RecordStatus::kAmended, "amended"},
    {RecordStatus::kSwitchedToPaper, "switched_to_paper"},
    {RecordStatus::kVoid, "void"},
}};

// Who may take an action.
enum class Who { kHolder, kTitleHolder, kIssuer, kPledgee };
// What the record must be like.
enum class When { kAny, kToOrderEndorsable, kToOrderNotBlank, kUnpledged, kPledged };
// Whom the action must name.
enum class To { kOther, kNone, kIssuer, kSurrenderer };

struct Rule {
  RecordType type;
  ActionCode code;
  RecordStatus status;  // the status the record must be in
  Who who;
  When when;
  To to;
};

using enum ActionCode;
constexpr RecordStatus kActive = RecordStatus::kActive;
constexpr RecordStatus kPending = RecordStatus::kSurrenderPending;
constexpr RecordType kEbl = RecordType::kEbl;
constexpr RecordType kEwr = RecordType::kWarehouseReceipt;

// The rules. A (type, code) pair absent here is not an action on that type.
constexpr Rule kRules[] = {
    // DCSA eBL: possession moves by TRANSFER; title by endorsement (to-order
    // bills only); surrender by whoever holds title, to the carrier.
    {kEbl, kTransfer, kActive, Who::kHolder, When::kAny, To::kOther},
    {kEbl, kEndorse, kActive, Who::kTitleHolder, When::kToOrderEndorsable, To::kOther},
    {kEbl, kEndorseToOrder, kActive, Who::kTitleHolder, When::kToOrderEndorsable, To::kOther},
    {kEbl, kBlankEndorse, kActive, Who::kTitleHolder, When::kToOrderNotBlank, To::kNone},
    {kEbl, kSign, kActive, Who::kHolder, When::kAny, To::kNone},
    {kEbl, kSurrenderForDelivery, kActive, Who::kTitleHolder, When::kAny, To::kIssuer},
    {kEbl, kSurrenderForAmendment, kActive, Who::kTitleHolder, When::kAny, To::kIssuer},
    {kEbl, kSurrenderAccepted, kPending, Who::kIssuer, When::kAny, To::kSurrenderer},
    {kEbl, kSurrenderRejected, kPending, Who::kIssuer, When::kAny, To::kSurrenderer},
    // Warehouse receipts: a pledged receipt stays put until the pledgee
    // releases it.
    {kEwr, kTransfer, kActive, Who::kHolder, When::kUnpledged, To::kOther},
    {kEwr, kPledge, kActive, Who::kHolder, When::kUnpledged, To::kOther},
    {kEwr, kRelease, kActive, Who::kPledgee, When::kPledged, To::kNone},
    {kEwr, kSign, kActive, Who::kHolder, When::kAny, To::kNone},
    {kEwr, kSurrenderForDelivery, kActive, Who::kHolder, When::kUnpledged, To::kIssuer},
    {kEwr, kSurrenderAccepted, kPending, Who::kIssuer, When::kAny, To::kSurrenderer},
    {kEwr, kSurrenderRejected, kPending, Who::kIssuer, When::kAny, To::kSurrenderer},
};

std::string_view WhoName(Who w) {
  switch (w) {
    case Who::kHolder:
      return "holder";
    case Who::kTitleHolder:
      return "title holder";
    case Who::kIssuer:
      return "issuer";
    case Who::kPledgee:
      return "pledgee";
  }
  return "?";
}

std::string_view WhenName(When w) {
  switch (w) {
    case When::kAny:
      return "any";
    case When::kToOrderEndorsable:
      return "to-order, endorsable";
    case When::kToOrderNotBlank:
      return "to-order, not blank-endorsed";
    case When::kUnpledged:
      return "not pledged";
    case When::kPledged:
      return "pledged";
  }
  return "?";
}

std::string_view ToName(To t) {
  switch (t) {
    case To::kOther:
      return "another party";
    case To::kNone:
      return "none";
    case To::kIssuer:
      return "the issuer";
    case To::kSurrenderer:
      return "the surrendering party (or none)";
  }
  return "?";
}

const Rule* FindRule(RecordType type, ActionCode code) {
  for (const Rule& r : kRules) {
    if (r.type == type && r.code == code) return &r;
  }
  return nullptr;
}

Status CheckWhen(const Rule& rule, const RecordState& s) {
  const std::string_view action = ActionCodeName(rule.code);
  switch (rule.when) {
    case When::kAny:
      return {};
    case When::kToOrderEndorsable:
      if (!s.to_order)
        return FailedPrecondition(
            fmt::format("{} needs a to-order bill; this bill is straight", action));
      if (!s.blank_endorsed && !s.endorsable) {
        return FailedPrecondition(fmt::format(
            "{}: the last endorsement was not to order, so the endorsee may not endorse further",
            action));
      }
      return {};
    case When::kToOrderNotBlank:
      if (!s.to_order)
        return FailedPrecondition(
            fmt::format("{} needs a to-order bill; this bill is straight", action));
      if (s.blank_endorsed) return FailedPrecondition("the bill is already blank-endorsed");
      if (!s.endorsable)
        return FailedPrecondition(fmt::format("{}: the bill may not be endorsed further", action));
      return {};
    case When::kUnpledged:
      if (!s.pledgee_id.empty()) {
        return FailedPrecondition(
            fmt::format("{}: the receipt is pledged to {}; the pledgee must release it first",
                        action, s.pledgee_id));
      }
      return {};
    case When::kPledged:
      if (s.pledgee_id.empty())
        return FailedPrecondition(fmt::format("{}: the receipt is not pledged", action));
      return {};
  }
  return {};
}

Status CheckWho(const Rule& rule, const RecordState& s, std::string_view actor) {
  const std::string_view action = ActionCodeName(rule.code);
  switch (rule.who) {
    case Who::kHolder:
      if (actor == s.holder_id) return {};
      return PermissionDenied(
          fmt::format("only the holder may {}; {} is not the holder", action, actor));
    case Who::kTitleHolder:
      if (s.HoldsTitle(actor)) return {};
      if (actor != s.holder_id) {
        return PermissionDenied(
            fmt::format("only the holder may {}; {} is not the holder", action, actor));
      }
      return PermissionDenied(fmt::format(
          "{} holds the bill but is not its endorsee ({}): only the title holder may {}", actor,
          s.endorsee_id, action));
    case Who::kIssuer:
      if (actor == s.issuer_id) return {};
      return PermissionDenied(
          fmt::format("only the issuer may {}; {} is not the issuer", action, actor));
    case Who::kPledgee:
      if (actor == s.pledgee_id) return {};
      return PermissionDenied(
          fmt::format("only the pledgee may {}; {} is not the pledgee", action, actor));
  }
  return {};
}

Status CheckTo(const Rule& rule, const RecordState& s, const ActionIntent& in) {
  const std::string_view action = ActionCodeName(rule.code);
  switch (rule.to) {
    case To::kOther:
      if (in.recipient_id.empty())
        return InvalidArgument(fmt::format("{} needs a recipient", action));
      if (in.recipient_id == in.actor_id)
        return InvalidArgument(fmt::format("{} to oneself", action));
      return {};
    case To::kNone:
      if (!in.recipient_id.empty())
        return InvalidArgument(fmt::format("{} names no recipient", action));
      return {};
    case To::kIssuer:
      if (in.recipient_id != s.issuer_id) {
        return InvalidArgument(
            fmt::format("{} must be addressed to the issuer {}", action, s.issuer_id));
      }
      return {};
    case To::kSurrenderer:
      if (!in.recipient_id.empty() && in.recipient_id != s.surrender_from) {
        return InvalidArgument(
            fmt::format("{} answers the surrender request of {}", action, s.surrender_from));
      }
      return {};
  }
  return {};
}

}  // namespace

std::string_view RecordTypeName(RecordType t) {
  return t == RecordType::kEbl ? "ebl" : "ewr";
}

Result<RecordType> ParseRecordType(std::string_view name) {
  if (name == "ebl") return RecordType::kEbl;
  if (name == "ewr") return RecordType::kWarehouseReceipt;
  return InvalidArgument(fmt::format("unknown record type \"{}\": use ebl or ewr", name));
}

std::string_view ActionCodeName(ActionCode c) {
  for (const auto& [code, name] : kActionNames) {
    if (code == c) return name;
  }
  return "?";
}

Result<ActionCode> ParseActionCode(std::string_view name) {
  if (name == "SURR") return ActionCode::kSurrenderAccepted;
  for (const auto& [code, n] : kActionNames) {
    if (n == name) return code;
  }
  return InvalidArgument(fmt::format("unknown action code \"{}\"", name));
}

std::string_view RecordStatusName(RecordStatus s) {
  for (const auto& [status, name] : kStatusNames) {
    if (status == s) return name;
  }
  return "?";
}

Result<RecordStatus> ParseRecordStatus(std::string_view name) {
  for (const auto& [status, n] : kStatusNames) {
    if (n == name) return status;
  }
  return DataLoss(fmt::format("unknown record status \"{}\"", name));
}

bool IsTerminal(RecordStatus s) {
  return s == RecordStatus::kSurrendered || s == RecordStatus::kAmended ||
         s == RecordStatus::kSwitchedToPaper || s == RecordStatus::kVoid;
}

bool RecordState::HoldsTitle(std::string_view party) const {
  if (party != holder_id) return false;
  if (type != RecordType::kEbl || !to_order || blank_endorsed) return true;
  return party == endorsee_id;
}

Status CheckRule(const RecordState& s, const ActionIntent& in) {
  const Rule* rule = FindRule(s.type, in.code);
  if (rule == nullptr) {
    return FailedPrecondition(fmt::format("{} is not an action on a record of type {}",
                                          ActionCodeName(in.code), RecordTypeName(s.type)));
  }
  if (IsTerminal(s.status)) {
    return FailedPrecondition(fmt::format("the record is {}: no further actions are possible",
                                          RecordStatusName(s.status)));
  }
  if (s.status != rule->status) {
    return FailedPrecondition(
        s.status == RecordStatus::kSurrenderPending
            ? fmt::format("a surrender is pending (possession is with the issuer): {} must wait "
                          "for SACC or SREJ",
                          ActionCodeName(in.code))
            : fmt::format("{} answers a surrender request, and none is pending",
                          ActionCodeName(in.code)));
  }
  DT_TRY(CheckWhen(*rule, s));
  DT_TRY(CheckWho(*rule, s, in.actor_id));
  return CheckTo(*rule, s, in);
}

RecordState Apply(RecordState s, const ActionIntent& in) {
  switch (in.code) {
    case ActionCode::kIssue:
    case ActionCode::kSign:
      break;
    case ActionCode::kTransfer:
      s.holder_id = in.recipient_id;
      break;
    case ActionCode::kEndorse:
    case ActionCode::kEndorseToOrder:
      s.endorsee_id = in.recipient_id;
      s.blank_endorsed = false;
      s.endorsable = in.code == ActionCode::kEndorseToOrder;
      break;
    case ActionCode::kBlankEndorse:
      s.endorsee_id.clear();
      s.blank_endorsed = true;
      break;
    case ActionCode::kSurrenderForDelivery:
    case ActionCode::kSurrenderForAmendment:
      s.status = RecordStatus::kSurrenderPending;
      s.pending_code = in.code;
      s.pending_reason = in.reason_code;
      s.surrender_from = s.holder_id;
      s.holder_id = s.issuer_id;
      break;
    case ActionCode::kSurrenderAccepted:
      s.status = s.pending_code == ActionCode::kSurrenderForDelivery ? RecordStatus::kSurrendered
                 : s.pending_reason == kSwitchToPaper ? RecordStatus::kSwitchedToPaper
                                                      : RecordStatus::kAmended;
      s.pending_code.reset();
      break;
    case ActionCode::kSurrenderRejected:
      s.status = RecordStatus::kActive;
      s.holder_id = s.surrender_from;
      s.pending_code.reset();
      s.pending_reason.clear();
      s.surrender_from.clear();
      break;
    case ActionCode::kPledge:
      s.pledgee_id = in.recipient_id;
      break;
    case ActionCode::kRelease:
      s.pledgee_id.clear();
      break;
  }
  return s;
}

std::span<const RuleView> Rules() {
  static const auto views = [] {
    std::vector<RuleView> out;
    for (const Rule& r : kRules)
      out.push_back({r.type, r.code, WhoName(r.who), WhenName(r.when), ToName(r.to)});
    return out;
  }();
  return views;
}

}  // namespace digitrade::trade::etr
