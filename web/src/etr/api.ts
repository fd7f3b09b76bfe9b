// Calls of the transferable-records API (/v1/etr, docs/etr.md), through the
// portal's one request function.

import { request, type Page } from '../api';

export interface EtrRecord {
  id: string;
  type: 'ebl' | 'ewr';
  reference: string;
  version: number;
  status: string;
  issuer: string;
  holder: string;
  endorsee: string | null;
  pledgee: string | null;
  to_order: boolean;
  blank_endorsed: boolean;
  sequence: number;
  head: string;
  pending_surrender: { action_code: string; reason_code: string | null; requested_by: string } | null;
  /** Where the record is (GET /v1/etr/records/{id}; absent in lists). */
  location?: EtrLocation;
}

/** A record that left, or is leaving, for another eBL platform (DCSA PINT). */
export interface EtrLocation {
  status: 'here' | 'transfer_pending' | 'held_elsewhere';
  platform?: string;
  party?: DcsaParty;
}

/** A DCSA party (ActorParty / RecipientParty). */
export interface DcsaParty {
  partyName: string;
  eblPlatform: string;
  identifyingCodes: { codeListProvider: string; partyCode: string; codeListName?: string }[];
}

/** The receiving platform's signed answer to a transfer there. */
export interface PintOutcome {
  responseCode: string;
  reason: string;
  signedResponse: string;
}

export interface CustodyStep {
  sequence: number;
  action_code: string;
  actor: string;
  recipient: string | null;
  action_hash: string;
  log_index: number | null;
  signature_status: string;
  log_status: string;
}

export interface SigningKey {
  id: string;
  type: string;
  thumbprint: string;
}

export interface ActionIntent {
  action_code: string;
  recipient?: string;
  recipient_party?: DcsaParty;
  reason_code?: string;
  comments?: string;
}

export interface ActionRequest extends ActionIntent {
  signing_key_id: string;
}

export const etrApi = {
  records: () => request<Page<EtrRecord>>('/v1/etr/records?limit=200'),
  record: (id: string) => request<EtrRecord>(`/v1/etr/records/${encodeURIComponent(id)}`),
  history: (id: string) =>
    request<Page<CustodyStep> & { record: EtrRecord }>(`/v1/etr/records/${encodeURIComponent(id)}/history`),
  signingKeys: (org: string) =>
    request<Page<SigningKey>>(`/v1/organisations/${encodeURIComponent(org)}/signing-keys`),
  act: (id: string, body: ActionRequest | { signed_action: string }) =>
    request<EtrRecord & { pint?: PintOutcome }>(`/v1/etr/records/${encodeURIComponent(id)}/actions`, {
      method: 'POST',
      body,
    }),
  /** The exact payload to sign for an action (docs/etr.md). */
  prepare: (id: string, body: ActionIntent) =>
    request<{ payload: string; sequence: number }>(`/v1/etr/records/${encodeURIComponent(id)}/prepare`, {
      method: 'POST',
      body,
    }),
  /** Our eBL platform code and the peers' (DCSA PINT). */
  platforms: () => request<{ self: string; items: { code: string }[] }>('/v1/pint/platforms'),
};

/** The DCSA party of an organisation on platform `platform` (docs/etr.md). */
export function partyOn(platform: string, name: string, code: string, provider?: string): DcsaParty {
  return {
    partyName: name,
    eblPlatform: platform,
    identifyingCodes: [
      provider
        ? { codeListProvider: provider, partyCode: code }
        : { codeListProvider: platform, codeListName: 'organisation', partyCode: code },
    ],
  };
}

/** The actions a record of this type knows (the server checks who may). */
export const ACTIONS: Record<EtrRecord['type'], readonly string[]> = {
  ebl: ['TRANSFER', 'ENDORSE', 'ENDORSE_TO_ORDER', 'BLANK_ENDORSE', 'SIGN', 'SURRENDER_FOR_DELIVERY',
        'SURRENDER_FOR_AMENDMENT', 'SACC', 'SREJ'],
  ewr: ['TRANSFER', 'PLEDGE', 'RELEASE', 'SIGN', 'SURRENDER_FOR_DELIVERY', 'SACC', 'SREJ'],
};

/** Actions that name another party. */
export const NEEDS_RECIPIENT = new Set(['TRANSFER', 'ENDORSE', 'ENDORSE_TO_ORDER', 'PLEDGE']);

/** Actions that can go to a party on another platform (DCSA PINT carries eBLs). */
export const CAN_GO_ELSEWHERE = new Set(['TRANSFER', 'ENDORSE', 'ENDORSE_TO_ORDER']);
