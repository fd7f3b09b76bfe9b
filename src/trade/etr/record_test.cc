#include "trade/etr/record.h"

#include <gtest/gtest.h>

namespace digitrade::trade::etr {
namespace {

RecordState ToOrder() {
  RecordState s;
  s.issuer_id = "carrier";
  s.holder_id = "shipper";
  s.endorsee_id = "shipper";
  s.to_order = true;
  return s;
}

TEST(RecordTest, NamesRoundTrip) {
  for (const auto& r : Rules()) {
    EXPECT_EQ(ParseActionCode(ActionCodeName(r.code)).value(), r.code);
    EXPECT_EQ(ParseRecordType(RecordTypeName(r.type)).value(), r.type);
  }
  EXPECT_EQ(ParseActionCode("SURR").value(), ActionCode::kSurrenderAccepted);
  EXPECT_EQ(ParseActionCode("transfer").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParseRecordType("bol").error().code(), ErrorCode::kInvalidArgument);
}

TEST(RecordTest, EndorsementMovesTitleNotPossession) {
  RecordState s = ToOrder();
  const ActionIntent endorse{ActionCode::kEndorse, "shipper", "bank", ""};
  ASSERT_TRUE(CheckRule(s, endorse));
  s = Apply(s, endorse);
  EXPECT_EQ(s.holder_id, "shipper");
  EXPECT_EQ(s.endorsee_id, "bank");
  EXPECT_FALSE(s.endorsable);
  // The shipper still holds the bill but no longer has title.
  auto again = CheckRule(s, {ActionCode::kEndorse, "shipper", "other", ""});
  EXPECT_EQ(again.error().code(), ErrorCode::kFailedPrecondition);  // plain ENDORSE ends endorsing
  auto surrender = CheckRule(s, {ActionCode::kSurrenderForDelivery, "shipper", "carrier", ""});
  ASSERT_FALSE(surrender);
  EXPECT_EQ(surrender.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(surrender.error().message().find("not its endorsee"), std::string::npos);
}

TEST(RecordTest, BlankEndorsedBillIsBearer) {
  RecordState s = ToOrder();
  s = Apply(s, {ActionCode::kBlankEndorse, "shipper", "", ""});
  EXPECT_TRUE(s.blank_endorsed);
  EXPECT_EQ(CheckRule(s, {ActionCode::kBlankEndorse, "shipper", "", ""}).error().code(),
            ErrorCode::kFailedPrecondition);
  s = Apply(s, {ActionCode::kTransfer, "shipper", "bank", ""});
  EXPECT_TRUE(s.HoldsTitle("bank"));
  EXPECT_TRUE(CheckRule(s, {ActionCode::kSurrenderForDelivery, "bank", "carrier", ""}));
  EXPECT_TRUE(CheckRule(s, {ActionCode::kEndorseToOrder, "bank", "buyer", ""}));
}

TEST(RecordTest, StraightBillsAreNotEndorsed) {
  RecordState s = ToOrder();
  s.to_order = false;
  s.endorsee_id.clear();
  for (ActionCode c :
       {ActionCode::kEndorse, ActionCode::kEndorseToOrder, ActionCode::kBlankEndorse}) {
    auto r = CheckRule(s, {c, "shipper", c == ActionCode::kBlankEndorse ? "" : "bank", ""});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), ErrorCode::kFailedPrecondition);
    EXPECT_NE(r.error().message().find("straight"), std::string::npos) << r.error().message();
  }
}

TEST(RecordTest, SurrenderRequestAcceptAndReject) {
  RecordState s = ToOrder();
  EXPECT_EQ(CheckRule(s, {ActionCode::kSurrenderForDelivery, "shipper", "bank", ""}).error().code(),
            ErrorCode::kInvalidArgument);  // must go to the issuer
  s = Apply(s, {ActionCode::kSurrenderForDelivery, "shipper", "carrier", ""});
  EXPECT_EQ(s.status, RecordStatus::kSurrenderPending);
  EXPECT_EQ(s.holder_id, "carrier");
  EXPECT_EQ(CheckRule(s, {ActionCode::kTransfer, "shipper", "bank", ""}).error().code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(CheckRule(s, {ActionCode::kSurrenderAccepted, "shipper", "", ""}).error().code(),
            ErrorCode::kPermissionDenied);
  RecordState rejected = Apply(s, {ActionCode::kSurrenderRejected, "carrier", "shipper", ""});
  EXPECT_EQ(rejected.status, RecordStatus::kActive);
  EXPECT_EQ(rejected.holder_id, "shipper");
  RecordState accepted = Apply(s, {ActionCode::kSurrenderAccepted, "carrier", "", ""});
  EXPECT_EQ(accepted.status, RecordStatus::kSurrendered);
  EXPECT_TRUE(IsTerminal(accepted.status));
  for (const auto& r : Rules()) {
    if (r.type != RecordType::kEbl) continue;
    auto after = CheckRule(accepted, {r.code, "carrier", "shipper", ""});
    ASSERT_FALSE(after) << ActionCodeName(r.code);
    EXPECT_EQ(after.error().code(), ErrorCode::kFailedPrecondition);
  }
  RecordState paper =
      Apply(Apply(ToOrder(), {ActionCode::kSurrenderForAmendment, "shipper", "carrier", "SWTP"}),
            {ActionCode::kSurrenderAccepted, "carrier", "", ""});
  EXPECT_EQ(paper.status, RecordStatus::kSwitchedToPaper);
}

TEST(RecordTest, WarehouseReceiptPledge) {
  RecordState s;
  s.type = RecordType::kWarehouseReceipt;
  s.issuer_id = "warehouse";
  s.holder_id = "depositor";
  EXPECT_EQ(CheckRule(s, {ActionCode::kEndorse, "depositor", "bank", ""}).error().code(),
            ErrorCode::kFailedPrecondition);
  s = Apply(s, {ActionCode::kPledge, "depositor", "bank", ""});
  EXPECT_EQ(s.pledgee_id, "bank");
  EXPECT_EQ(CheckRule(s, {ActionCode::kTransfer, "depositor", "buyer", ""}).error().code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(CheckRule(s, {ActionCode::kRelease, "depositor", "", ""}).error().code(),
            ErrorCode::kPermissionDenied);
  s = Apply(s, {ActionCode::kRelease, "bank", "", ""});
  EXPECT_TRUE(CheckRule(s, {ActionCode::kTransfer, "depositor", "buyer", ""}));
}

}  // namespace
}  // namespace digitrade::trade::etr
