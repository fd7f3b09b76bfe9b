// Trust lists per jurisdiction: the anchors a verifier accepts, grouped by
// who vouches for them, so that a report can say which jurisdiction's list
// recognised a signer (mutual recognition of signatures).
//
// Lists come from the platform itself (PEM bundles) or from ETSI TS 119 612
// XML trusted lists (crypto/etsi_trust_list.h). A TrustStore holds several.
// Thread-safety: const methods may run concurrently; mutation needs
// external synchronisation (build a store, then share it read-only).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "crypto/certificate.h"
#include "crypto/validation_report.h"

namespace digitrade::crypto {

struct TrustAnchor {
  Certificate certificate;
  std::string service_name;  // the TSP service it stands for (ETSI lists), or ""
};

class TrustList {
 public:
  TrustList(std::string name, std::string jurisdiction)
      : name_(std::move(name)), jurisdiction_(std::move(jurisdiction)) {}

  // Every certificate in `pem` becomes an anchor. Errors: those of
  // Certificate::ChainFromPem.
  static Result<TrustList> FromPem(std::string name, std::string jurisdiction,
                                   std::string_view pem);

  const std::string& name() const { return name_; }
  const std::string& jurisdiction() const { return jurisdiction_; }
  const std::vector<TrustAnchor>& anchors() const { return anchors_; }
  std::optional<UnixTime> next_update() const { return next_update_; }
  void set_next_update(UnixTime t) { next_update_ = t; }

  void Add(Certificate certificate, std::string service_name = "");
  // The anchors as one PEM bundle.
  std::string ToPem() const;

 private:
  std::string name_;
  std::string jurisdiction_;
  std::vector<TrustAnchor> anchors_;
  std::optional<UnixTime> next_update_;
};

// A trust list from a file's content: an ETSI TS 119 612 XML list (its
// territory is the jurisdiction; `name`, if not empty, replaces the
// generated one) or a PEM bundle (named `name`, for `jurisdiction`).
// Errors: those of the importers; invalid_argument for a PEM bundle without
// a name or jurisdiction.
Result<TrustList> LoadTrustList(std::string_view content, std::string_view name,
                                std::string_view jurisdiction);

class TrustStore {
 public:
  void Add(TrustList list) { lists_.push_back(std::move(list)); }
  const std::vector<TrustList>& lists() const { return lists_; }
  // The first list entry whose certificate is `anchor`.
  std::optional<TrustAnchorInfo> Find(const Certificate& anchor) const;
  bool empty() const;

 private:
  std::vector<TrustList> lists_;
};

}  // namespace digitrade::crypto
