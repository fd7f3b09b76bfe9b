#include "trade/etr/pint/etr_registry.h"

#include <fmt/format.h>

#include "common/json.h"
#include "crypto/base64.h"
#include "crypto/jws.h"
#include "trade/etr/action.h"
#include "trade/etr/pint/internal/tables.h"

namespace digitrade::trade::etr::pint {

namespace {

std::int64_t Micros(const Clock& clock) {
  return std::chrono::duration_cast<std::chrono::microseconds>(clock.Now().time_since_epoch())
      .count();
}

// The payload of a chain entry we hold (verified when it was received or
// made), parsed against EnvelopeTransferChainEntry.
Result<pint::ChainEntry> ParseEntry(const std::string& jws, const SchemaSet& schemas) {
  DT_ASSIGN_OR_RETURN(auto parsed, crypto::ParseJws(jws));
  DT_ASSIGN_OR_RETURN(auto bytes, crypto::Base64UrlDecode(parsed.payload));
  auto entry = ParseChainEntry(std::string(bytes.begin(), bytes.end()), schemas);
  if (!entry) return InvalidArgument("a chain entry: " + entry.error().reason);
  if (entry->transactions.empty()) return InvalidArgument("a chain entry without transactions");
  return std::move(*entry);
}

Status InsertEntries(storage::Executor& ex, const std::string& record_id,
                     const std::vector<std::string>& chain, std::size_t from,
                     std::int64_t first_sequence) {
  for (std::size_t i = from; i < chain.size(); ++i) {
    DT_TRY(
        ex.Execute("INSERT INTO pint_etr_entries (record_id, position, checksum, signed_content, "
                   "etr_sequence) VALUES ($1, $2, $3, $4, $5)",
                   {record_id, static_cast<std::int64_t>(i), SignedContentChecksum(chain[i]),
                    chain[i], first_sequence + static_cast<std::int64_t>(i - from)}));
  }
  return {};
}

bool IsOrganisation(const std::string& id) {
  return !id.empty() && id.find('/') == std::string::npos;
}

}  // namespace

std::string EtrEblRegistry::PartyId(const Party& p) const {
  const std::string local = LocalPartyId(p.json, etr_.platform_code());
  if (p.ebl_platform == etr_.platform_code() && !local.empty()) return local;
  return ForeignPartyId(p.json);
}

Result<std::vector<EtrEblRegistry::Entry>> EtrEblRegistry::Entries(storage::Executor& ex,
                                                                   const std::string& record_id) {
  DT_ASSIGN_OR_RETURN(auto rows, ex.Query("SELECT checksum, signed_content, etr_sequence FROM "
                                          "pint_etr_entries WHERE record_id = $1 ORDER BY position",
                                          {record_id}));
  std::vector<Entry> out;
  for (const auto& r : rows.rows) out.push_back({r.Text(0), r.Text(1), r.Int(2)});
  return out;
}

Result<KnownChain> EtrEblRegistry::Known(const std::string& td) {
  KnownChain k;
  DT_ASSIGN_OR_RETURN(auto rec, etr_.FindRecord(td));
  if (rec) {
    DT_ASSIGN_OR_RETURN(auto entries, Entries(db_, rec->id));
    for (const auto& e : entries) k.entry_checksums.push_back(e.checksum);
  }
  DT_ASSIGN_OR_RETURN(k.accepted_last_checksums, internal::AcceptedLast(db_, td));
  return k;
}

Result<std::string> EtrEblRegistry::ChainEntry(const std::string& entry_checksum) {
  DT_ASSIGN_OR_RETURN(auto rows,
                      db_.Query("SELECT signed_content FROM pint_etr_entries WHERE checksum = $1",
                                {entry_checksum}));
  if (rows.empty()) return NotFound(fmt::format("no chain entry {}", entry_checksum));
  return rows.rows.front().Text(0);
}

// The etr state after the whole chain: the engine's own transitions (Apply),
// the PINT receiver having checked who may do what.
Result<etr::RecordState> EtrEblRegistry::StateAfter(const TransferRecord& r) const {
  etr::RecordState s;
  s.type = RecordType::kEbl;
  const auto* to_order = r.transport_document.if_contains("isToOrder");
  s.to_order = to_order != nullptr && to_order->is_bool() && to_order->get_bool();
  for (const auto& jws : r.chain) {
    DT_ASSIGN_OR_RETURN(auto entry, ParseEntry(jws, schemas_));
    for (const auto& tx : entry.transactions) {
      const std::string actor = PartyId(tx.actor);
      const std::string recipient = tx.recipient ? PartyId(*tx.recipient) : std::string();
      if (tx.action == ActionCode::kIssue) {
        s.issuer_id = actor;
        s.holder_id = recipient;
        if (s.to_order) s.endorsee_id = recipient;
        continue;
      }
      s = Apply(s, {tx.action, actor, recipient, ""});
    }
  }
  if (r.surrendered) s.status = RecordStatus::kSurrendered;
  return s;
}

Status EtrEblRegistry::Import(const TransferRecord& r) {
  if (r.chain.empty()) return InvalidArgument("a transfer without chain entries");
  DT_ASSIGN_OR_RETURN(auto first, ParseEntry(r.chain.front(), schemas_));
  etr::ImportedRecord in{.type = RecordType::kEbl,
                         .document = r.transport_document,
                         .issuer_id = PartyId(first.transactions.front().actor),
                         .issuance_manifest = first.issuance_manifest_signed_content.value_or("")};
  for (const auto& jws : r.chain) {
    DT_ASSIGN_OR_RETURN(auto entry, ParseEntry(jws, schemas_));
    const auto& last = entry.transactions.back();
    in.chain.push_back({.signed_content = jws,
                        .last_code = last.action,
                        .actor = PartyId(last.actor),
                        .recipient = last.recipient ? PartyId(*last.recipient) : ""});
  }
  DT_ASSIGN_OR_RETURN(in.state, StateAfter(r));
  const std::int64_t now = Micros(clock_);
  auto imported =
      etr_.ImportRecordWith(in, [&](storage::Executor& ex, const etr::Record& rec) -> Status {
        DT_TRY(InsertEntries(ex, rec.id, r.chain, 0, 0));
        DT_TRY(internal::LinkDocuments(ex, r));
        if (r.accepted)
          DT_TRY(internal::MarkAccepted(ex, r.transport_document_checksum,
                                        SignedContentChecksum(r.chain.back()), now));
        return {};
      });
  if (!imported && imported.error().code() == ErrorCode::kAlreadyExists) {
    return Conflict(imported.error().message());
  }
  if (!imported) return std::unexpected(imported.error());
  return {};
}

// The chain extends the `known` entries we hold for `rec`.
Status EtrEblRegistry::Extend(const TransferRecord& r, const etr::Record& rec, std::size_t known) {
  DT_ASSIGN_OR_RETURN(auto away, etr_.GetAway(rec.id));
  const std::int64_t now = Micros(clock_);
  auto store = [&](storage::Executor& ex, std::int64_t first_sequence) -> Status {
    DT_TRY(InsertEntries(ex, rec.id, r.chain, known, first_sequence));
    DT_TRY(internal::LinkDocuments(ex, r));
    if (r.accepted)
      DT_TRY(internal::MarkAccepted(ex, r.transport_document_checksum,
                                    SignedContentChecksum(r.chain.back()), now));
    return {};
  };
  if (!r.accepted && away.status == etr::AwayStatus::kPending && !away.action.empty()) {
    // Our send of the holder's signed action was accepted.
    if (r.chain.size() != known + 1) return Conflict("a send adds exactly one chain entry");
    auto done = etr_.CompleteTransferOut(
        rec.id,
        [&](storage::Executor& ex, const etr::ActionEntry& a) { return store(ex, a.sequence); });
    if (!done) return std::unexpected(done.error());
    return {};
  }
  if (r.accepted && away.status != etr::AwayStatus::kAway) {
    return Conflict(
        fmt::format("record {} is held on this platform: the chain forks from ours", rec.id));
  }
  if (!r.accepted && away.status != etr::AwayStatus::kPending) {
    return Conflict(fmt::format("record {} was not reserved for this send", rec.id));
  }
  std::vector<etr::ImportedEntry> entries;
  for (std::size_t i = known; i < r.chain.size(); ++i) {
    DT_ASSIGN_OR_RETURN(auto entry, ParseEntry(r.chain[i], schemas_));
    const auto& last = entry.transactions.back();
    entries.push_back({.signed_content = r.chain[i],
                       .last_code = last.action,
                       .actor = PartyId(last.actor),
                       .recipient = last.recipient ? PartyId(*last.recipient) : ""});
  }
  DT_ASSIGN_OR_RETURN(auto state, StateAfter(r));
  etr::Away after;  // back here, or (our send for a PINT-only party) held elsewhere
  if (!r.accepted && r.possessor) {
    after = {.status = etr::AwayStatus::kAway,
             .platform = r.possessor->ebl_platform,
             .party = r.possessor->json};
  }
  auto appended = etr_.AppendImported(rec.id, rec.head, entries, state, after,
                                      [&](storage::Executor& ex, const etr::Record& before) {
                                        return store(ex, before.sequence + 1);
                                      });
  if (!appended) return std::unexpected(appended.error());
  return {};
}

Status EtrEblRegistry::Record(const TransferRecord& r) {
  DT_ASSIGN_OR_RETURN(auto found, etr_.FindRecord(r.transport_document_checksum));
  if (!found) return Import(r);
  DT_ASSIGN_OR_RETURN(auto entries, Entries(db_, found->id));
  if (entries.size() > r.chain.size()) {
    return Conflict("the chain is shorter than the one recorded for this document");
  }
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].checksum != SignedContentChecksum(r.chain[i])) {
      return Conflict(fmt::format("the chain differs from the one recorded at entry {}", i));
    }
  }
  if (entries.size() == r.chain.size()) {
    if (!r.accepted || r.chain.empty()) return {};
    return internal::MarkAccepted(db_, r.transport_document_checksum,
                                  SignedContentChecksum(r.chain.back()), Micros(clock_));
  }
  return Extend(r, *found, entries.size());
}

Result<HeldEbl> EtrEblRegistry::Export(const std::string& key) {
  DT_ASSIGN_OR_RETURN(auto found, etr_.FindRecord(key));
  if (!found) {
    return NotFound(
        fmt::format("no eBL with transport document checksum, reference or record id \"{}\"", key));
  }
  const etr::Record& rec = *found;
  if (rec.state.type != RecordType::kEbl)
    return FailedPrecondition(fmt::format("record {} is not an eBL", rec.id));
  DT_ASSIGN_OR_RETURN(auto away, etr_.GetAway(rec.id));
  DT_ASSIGN_OR_RETURN(auto entries, Entries(db_, rec.id));
  HeldEbl e;
  e.record_id = rec.id;
  e.record_head = rec.head;
  e.transport_document_checksum = rec.document_checksum;
  e.transport_document_reference = rec.reference;
  DT_ASSIGN_OR_RETURN(e.transport_document,
                      json::ParseObject(rec.document, {.max_bytes = 8 << 20, .max_depth = 64}));
  for (const auto& entry : entries) e.chain.push_back(entry.signed_content);
  if (entries.empty()) e.issuance_manifest = rec.issuance_manifest;
  // Local actions after the last entry become transactions of the next one.
  const std::int64_t covered = entries.empty() ? -1 : entries.back().etr_sequence;
  DT_ASSIGN_OR_RETURN(auto history, etr_.History(rec.id));
  for (const auto& a : history) {
    if (a.sequence <= covered || a.log_kind == "etr.import") continue;
    DT_ASSIGN_OR_RETURN(auto action,
                        ParseSignedAction(a.jws, etr_.dcsa_schemas(), etr_.platform_code(), true));
    auto tx = TransactionFromJson(action.payload.transaction);
    if (!tx)
      return Internal(fmt::format("action {} of {}: {}", a.sequence, rec.id, tx.error().reason));
    e.local_transactions.push_back(std::move(*tx));
  }
  DT_ASSIGN_OR_RETURN(e.documents, internal::LoadDocuments(db_, rec.document_checksum));
  const std::string holder =
      away.status == etr::AwayStatus::kPending ? away.previous_holder : rec.state.holder_id;
  if (away.status == etr::AwayStatus::kAway) {
    DT_ASSIGN_OR_RETURN(auto p, PartyFromJson(away.party));
    e.possessor = std::move(p);
  } else if (IsOrganisation(holder)) {
    DT_ASSIGN_OR_RETURN(auto party, etr_.GetParty(holder));
    DT_ASSIGN_OR_RETURN(auto p,
                        PartyFromJson(etr::LocalParty(etr_.platform_code(), holder, party.name)));
    e.possessor = std::move(p);
    DT_ASSIGN_OR_RETURN(auto keys, etr_.ListKeys(holder));
    e.holder_signs = !keys.empty();
  } else {
    // A party known only to PINT: the last transaction that handed it over names it.
    for (const auto& jws : e.chain) {
      DT_ASSIGN_OR_RETURN(auto entry, ParseEntry(jws, schemas_));
      for (const auto& tx : entry.transactions) {
        if (tx.recipient && PartyId(*tx.recipient) == holder) e.possessor = *tx.recipient;
      }
    }
  }
  e.surrendered = IsTerminal(rec.state.status);
  e.held = rec.state.status == RecordStatus::kActive && e.possessor.has_value() &&
           (away.status == etr::AwayStatus::kPending ||
            (away.status == etr::AwayStatus::kHere && !holder.empty()));
  return e;
}

Status EtrEblRegistry::BeginSend(const HeldEbl& held, const Party& recipient) {
  if (held.record_id.empty()) return FailedPrecondition("the eBL is no etr record");
  return etr_.LockForPlatformSend(held.record_id, held.record_head, recipient.json);
}

Status EtrEblRegistry::AbortSend(const HeldEbl& held) {
  return etr_.AbortTransferOut(held.record_id);
}

// ---- sending an etr action away ----

Result<OutboundResult> EtrTransfers::Send(const std::string& record_id, std::string_view jws,
                                          const std::string& caller_org) {
  DT_ASSIGN_OR_RETURN(auto begun, etr_.BeginTransferOut(record_id, jws, caller_org));
  // Before anything went out, a failure lifts the lock again.
  auto unlock = [&](std::unexpected<Error> e) -> Result<OutboundResult> {
    if (!begun.retry) (void)etr_.AbortTransferOut(record_id);
    return e;
  };
  auto peer = peers_.GetPeer(begun.away.platform);
  if (!peer) {
    return unlock(NotFound(fmt::format("the recipient's platform {} is not a registered PINT peer",
                                       begun.away.platform)));
  }
  auto tx = TransactionFromJson(begun.transaction);
  if (!tx || !tx->recipient) {
    return unlock(InvalidArgument(
        "$.transaction: " + (tx ? std::string("a recipient is required") : tx.error().reason)));
  }
  auto sent = sender_.Send({.document = begun.record.document_checksum,
                            .peer = peer->code,
                            .recipient = *tx->recipient,
                            .action = tx->action,
                            .transaction = *tx});
  if (!sent) {
    const ErrorCode code = sent.error().code();
    if (code == ErrorCode::kInvalidArgument || code == ErrorCode::kNotFound ||
        code == ErrorCode::kFailedPrecondition || code == ErrorCode::kPermissionDenied) {
      (void)etr_.AbortTransferOut(record_id);  // refused before sending
      return std::unexpected(sent.error());
    }
    return Unavailable(fmt::format(
        "transfer pending: record {} stays locked until {} answers ({}); post the same signed "
        "action again to resend the same envelope",
        record_id, peer->code, sent.error().message()));
  }
  if (!sent->accepted) {
    DT_TRY(etr_.AbortTransferOut(record_id));
    return FailedPrecondition(fmt::format("platform {} refused the transfer: {}{}{}", peer->code,
                                          ResponseCodeName(sent->code),
                                          sent->reason.empty() ? "" : ": ", sent->reason));
  }
  DT_ASSIGN_OR_RETURN(auto rec, etr_.GetRecord(record_id));
  return OutboundResult{.record = std::move(rec), .outcome = std::move(*sent)};
}

}  // namespace digitrade::trade::etr::pint
