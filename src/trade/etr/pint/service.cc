#include "trade/etr/pint/service.h"

#include <fmt/format.h>

namespace digitrade::trade::etr::pint {

Result<std::unique_ptr<PintService>> PintService::Create(
    storage::Database& db, const Clock& clock, crypto::Random& random, ledger::Log& evidence,
    PeerTransport& transport, const PintConfig& config, etr::Registry* etr) {
  DT_ASSIGN_OR_RETURN(PlatformSigner signer,
                      MakePlatformSigner(config.platform_code, config.private_key_pem, config.alg));
  DT_ASSIGN_OR_RETURN(SchemaSet schemas, SchemaSet::Dcsa(kDcsaPint));
  std::unique_ptr<PintService> s(new PintService(std::move(signer), std::move(schemas)));
  s->peers_ = std::make_unique<PeerDirectory>(db, clock, s->signer_.platform_code,
                                              s->signer_.key.public_key());
  if (etr != nullptr) {
    if (etr->platform_code() != s->signer_.platform_code) {
      return InvalidArgument(fmt::format(
          "the transferable records registry uses platform code {}, PINT {}: they must agree",
          etr->platform_code(), s->signer_.platform_code));
    }
    s->registry_ = std::make_unique<EtrEblRegistry>(db, clock, *etr, s->schemas_);
    s->peers_->SetEtrParties([etr](const std::string& org) -> Result<std::optional<std::string>> {
      auto party = etr->GetParty(org);
      if (!party && party.error().code() == ErrorCode::kNotFound)
        return std::optional<std::string>();
      if (!party) return std::unexpected(party.error());
      return std::optional<std::string>(party->name);
    });
  } else {
    s->registry_ = std::make_unique<SqlEblRegistry>(db, clock);
  }
  const PintContext context{.db = db,
                            .clock = clock,
                            .random = random,
                            .registry = *s->registry_,
                            .peers = *s->peers_,
                            .signer = s->signer_,
                            .evidence = evidence,
                            .schemas = s->schemas_};
  s->receiver_ = std::make_unique<Receiver>(context);
  s->sender_ = std::make_unique<Sender>(context, transport);
  if (etr != nullptr) {
    s->etr_transfers_ = std::make_unique<EtrTransfers>(*etr, *s->sender_, *s->peers_);
    DT_ASSIGN_OR_RETURN(s->issuance_, DcsaIssuance::Create(db, clock, *s->peers_, *s->sender_,
                                                           *s->registry_, *etr, transport));
  }
  return s;
}

}  // namespace digitrade::trade::etr::pint
