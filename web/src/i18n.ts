// The portal's one message catalogue. Every string a person can see goes
// through `t(key)`. English (`en`) defines the set of keys; the Chinese
// catalogue is typed as `Catalogue`, so the type check (`npm run build`)
// fails if a key is missing from it or if it has a key English lacks.
//
// Placeholders are written `{name}` and filled from `t(key, { name: value })`.

import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Lang = (typeof LANGUAGES)[number];

const en = {
  // Shell
  'app.name': 'digitrade',
  'app.tagline': 'Digital trade pilot zone',
  'app.skipToContent': 'Skip to main content',
  'app.loading': 'Loading…',
  'app.footer': 'Implements the WTO Agreement on Electronic Commerce (INF/ECOM/87).',
  'header.language': 'Language',
  'header.signedIn': 'Signed in as',
  'header.signedInAs': 'Signed in as {name}',
  'header.roles': 'Roles: {roles}',
  'header.signOut': 'Sign out',
  'lang.en': 'English',
  'lang.zh-CN': '中文',

  // Navigation
  'nav.label': 'Main navigation',
  'nav.platform': 'Platform',
  'nav.areas': 'Areas',
  'nav.status': 'Status',
  'nav.organisations': 'Organisations',
  'nav.trade': 'Trade digitalisation',
  'nav.data': 'Data governance',
  'nav.consumer': 'Consumer protection',
  'nav.telecom': 'Telecommunications openness',
  'nav.cooperation': 'International cooperation',
  'nav.log': 'Evidence log',
  'log.title': 'Evidence log',
  'log.intro': 'Every disputable event is appended to this tamper-evident Merkle log. Anyone with the log’s public key can check that an entry is in it and that the log was never rewritten, without trusting this server.',
  'log.origin': 'Origin',
  'log.hash': 'Hash function',
  'log.size': 'Entries',
  'log.key': 'Verifier key',
  'log.checkpoint': 'Latest signed checkpoint',
  'log.growth': 'Growth',
  'log.growth.label': 'Entries added per 5-second interval over the last {n} intervals, latest {last}.',
  'log.growth.waiting': 'Collecting data; the chart appears after two updates.',
  'log.verify.title': 'Verify an entry',
  'log.verify.intro': 'The check runs in this browser: it verifies the checkpoint’s signature with the key below and the entry’s inclusion proof against the checkpoint’s root hash.',
  'log.verify.index': 'Entry index',
  'log.verify.key': 'Verifier key to trust',
  'log.verify.keyHint': 'Compare it with the key the operator publishes elsewhere; a key taken from this page alone proves nothing against this server.',
  'log.verify.submit': 'Verify',
  'log.verify.running': 'Verifying…',
  'log.verify.badIndex': 'Enter an entry index between 0 and {max}.',
  'log.verify.badKey': 'This is not a valid verifier key (name+hash+key) or its hash does not match.',
  'log.verify.signature.valid': 'Checkpoint signature: valid',
  'log.verify.signature.invalid': 'Checkpoint signature: INVALID',
  'log.verify.signature.missing': 'Checkpoint signature: none by this key',
  'log.verify.signature.unsupported': 'Checkpoint signature: not checked (this browser has no Ed25519)',
  'log.verify.included': 'Entry {index} is in the log of {size} entries.',
  'log.verify.notIncluded': 'The inclusion proof does NOT match the checkpoint.',
  'log.verify.entry': 'Kind {kind}, {bytes} bytes',

  // Signatures page
  'nav.signatures': 'Verify a signature',
  'nav.etr': 'Bills of lading & receipts',
  'etr.title': 'Electronic transferable records',
  'etr.intro': 'Electronic bills of lading (DCSA eBL 3.0) and warehouse receipts your organisation issued, holds, or is endorsee or pledgee of. Every step is signed by the party in control and recorded in the evidence log.',
  'etr.empty': 'No records yet.',
  'etr.reference': 'Reference',
  'etr.type': 'Type',
  'etr.type.ebl': 'Bill of lading',
  'etr.type.ewr': 'Warehouse receipt',
  'etr.kind': 'Kind',
  'etr.kind.straight': 'Straight',
  'etr.kind.toOrder': 'To order',
  'etr.kind.blank': 'Blank-endorsed',
  'etr.status': 'Status',
  'etr.status.active': 'Active',
  'etr.status.surrender_pending': 'Surrender pending',
  'etr.status.surrendered': 'Surrendered',
  'etr.status.amended': 'Surrendered for amendment',
  'etr.status.switched_to_paper': 'Switched to paper',
  'etr.status.void': 'Void (amended)',
  'etr.issuer': 'Issuer',
  'etr.holder': 'Holder',
  'etr.endorsee': 'Endorsee',
  'etr.pledgee': 'Pledgee',
  'etr.sequence': 'Steps',
  'etr.head': 'Chain head',
  'etr.back': '← All records',
  'etr.form.title': 'Act on this record',
  'etr.form.intro': 'Sign the action with your organisation’s server-held key or with a key kept in this browser (its private half never leaves it); only the party in control may act, and the record must still be in the state you see.',
  'etr.form.action': 'Action',
  'etr.form.recipient': 'Recipient (organisation id)',
  'etr.form.reason': 'Reason code (SWTP: switch to paper)',
  'etr.form.key': 'Signing key',
  'etr.form.noKey': 'Your organisation has no server-held signing key yet.',
  'etr.form.browserKey': 'Key in this browser (ES256)',
  'etr.form.newBrowserKey': 'New key in this browser (made and registered on first use)',
  'etr.form.noBrowserSigning': 'Signing in the browser needs https (or localhost).',
  'etr.form.noOrganisation': 'Your user belongs to no organisation, so it cannot act on records.',
  'etr.form.submit': 'Sign and submit',
  'etr.form.signing': 'Signing…',
  'etr.form.done': '{code} recorded as step {sequence}.',
  'etr.form.conflict': 'The record changed in the meantime; reload it and try again.',
  'etr.custody.title': 'Chain of custody',
  'etr.custody.signatureValid': 'Signature valid',
  'etr.custody.signatureInvalid': 'Signature not verified',
  'etr.custody.logged': 'In the evidence log at {index}',
  'etr.custody.notLogged': 'Log proof pending',
  'sig.title': 'Verify a signature',
  'sig.intro': 'Drop a signed document: a JWS, a CMS/CAdES signature or a signed XML file. The platform checks the signature, the signer’s certificate chain and its revocation, and says which jurisdiction’s trust list vouches for the signer.',
  'sig.file': 'Signed file',
  'sig.file.hint': 'Drop a file here or choose one (.jws, .json, .p7s, .der, .pem, .xml)',
  'sig.content': 'Signed content (detached signatures only)',
  'sig.content.hint': 'The document a detached signature covers, if it is not inside the signed file',
  'sig.submit': 'Verify',
  'sig.running': 'Verifying…',
  'sig.verdict.passed': 'Valid signature',
  'sig.verdict.failed': 'Invalid signature',
  'sig.verdict.indeterminate': 'Cannot be confirmed',
  'sig.format': 'Format',
  'sig.algorithm': 'Algorithm',
  'sig.signer': 'Signer',
  'sig.signingTime': 'Signed at',
  'sig.time.claimed': 'as claimed by the signer',
  'sig.time.timestamp': 'proven by a timestamp',
  'sig.anchor': 'Trust anchor',
  'sig.trustList': 'Trust list (jurisdiction)',
  'sig.details': 'Details',
  'nav.einvoices': 'E-invoices',
  'einv.title': 'E-invoices',
  'einv.intro': 'Drop a UBL 2.1 or UN/CEFACT CII invoice to check it against EN 16931 and Peppol BIS Billing 3.0. Every finding shows its official rule and where it is in the document. A clean invoice can be registered: the platform signs it with your organisation’s key and records it on the evidence log, so a bank can check it later.',
  'einv.file': 'Invoice (XML)',
  'einv.file.hint': 'Drop an invoice here or choose one (.xml)',
  'einv.rules': 'Rule sets',
  'einv.rules.hint': 'None chosen: picked from the document’s CustomizationID.',
  'einv.submit': 'Validate',
  'einv.running': 'Working…',
  'einv.verdict.clean': 'Valid: no findings',
  'einv.verdict.warnings': 'Valid, with warnings',
  'einv.verdict.fatal': 'Invalid: fatal findings',
  'einv.verdict.crash': 'Not checkable: the official rules stop on this document',
  'einv.summary': '{syntax} · {rules} · {fatal} fatal, {warnings} warnings',
  'einv.crash': '{rules}: {reason}',
  'einv.findings': 'Findings',
  'einv.noFindings': 'No rule fired.',
  'einv.col.flag': 'Severity',
  'einv.col.rule': 'Rule',
  'einv.col.message': 'Message',
  'einv.col.location': 'Where (choose to show it in the document)',
  'einv.flag.fatal': 'Fatal',
  'einv.flag.warning': 'Warning',
  'einv.showInDocument': 'Show in the document',
  'einv.notLocated': 'This location is not in the document as the browser reads it',
  'einv.located': '{location}: {count} element(s) highlighted in the document',
  'einv.ambiguous': 'The report’s location matches {count} elements; all are highlighted.',
  'einv.document': 'The document',
  'einv.notParsed': 'The browser cannot show this document: {error}',
  'einv.register': 'Register, sign and log this invoice',
  'einv.register.needsTrader': 'Registering needs a user with the trader role in an organisation.',
  'einv.registered.now': 'Registered as {id}, evidence log index {index}.',
  'einv.registered.title': 'Registered invoices of your organisation',
  'einv.registered.none': 'None yet.',
  'einv.reg.number': 'Invoice number',
  'einv.reg.seller': 'Seller',
  'einv.reg.total': 'Total',
  'einv.reg.date': 'Issue date',
  'einv.reg.logIndex': 'Log index',
  'einv.reg.at': 'Registered',

  // Sign-in
  'signin.title': 'Sign in',
  'signin.intro': 'Sign in with an API token issued by your platform administrator.',
  'signin.tokenLabel': 'API token',
  'signin.tokenHint': 'Tokens start with “dt_”. The token stays in this browser tab only.',
  'signin.submit': 'Sign in',
  'signin.submitting': 'Signing in…',
  'signin.emptyToken': 'Enter your API token.',
  'signin.failed': 'Sign-in failed',
  'signin.sessionEnded': 'Your session has ended. Please sign in again.',
  'signin.signedOut': 'You have signed out.',

  // Errors
  'error.title': 'Something went wrong',
  'error.network': 'The server could not be reached. Check your connection and try again.',
  'error.http': 'The server answered with HTTP status {status}.',
  'error.badResponse': 'The server sent a response the portal could not read.',
  'error.retry': 'Try again',

  // Status page
  'status.title': 'Platform status',
  'status.intro': 'Live figures from this server, refreshed every 5 seconds.',
  'status.health': 'Health',
  'status.health.ok': 'ok',
  'status.health.unreachable': 'unreachable',
  'status.health.other': '{status}',
  'status.version': 'Version',
  'status.database': 'Database',
  'status.uptime': 'Uptime',
  'status.startedAt': 'Started {time}',
  'status.counts': 'Registered',
  'status.count.organisations': 'Organisations',
  'status.count.users': 'Users',
  'status.count.tokens': 'Active tokens',
  'status.requests': 'HTTP requests',
  'status.requestsTotal': '{n} requests in total',
  'status.requestsPerPoll': 'Requests per 5-second interval',
  'status.sparkline.label': 'Requests per interval over the last {n} intervals, latest {last}, highest {max}.',
  'status.sparkline.waiting': 'Collecting data; the chart appears after two updates.',
  'status.updatedAt': 'Updated {time}',
  'status.notAvailable': '—',
  'db.sqlite': 'SQLite',
  'db.postgres': 'PostgreSQL',
  'db.other': '{name}',

  // Durations
  'duration.seconds': '{s} s',
  'duration.minutes': '{m} min {s} s',
  'duration.hours': '{h} h {m} min',
  'duration.days': '{d} d {h} h',

  // Organisations page
  'orgs.title': 'Organisations',
  'orgs.intro': 'Parties registered on the platform, identified by their unified social credit code (USCC) or legal entity identifier (LEI).',
  'orgs.caption': 'Registered organisations',
  'orgs.count': '{n} shown',
  'orgs.empty': 'No organisations are registered yet.',
  'orgs.more': 'Show more',
  'orgs.col.name': 'Name',
  'orgs.col.identifier': 'Identifier',
  'orgs.col.scheme': 'Scheme',
  'orgs.col.country': 'Country',
  'orgs.col.created': 'Registered',
  'orgs.col.id': 'Platform ID',
  'scheme.uscc': 'USCC',
  'scheme.lei': 'LEI',
  'scheme.other': '{name}',

  // Area pages (shared)
  'area.label': 'Area {n}',
  'area.users': 'Who uses it',
  'area.articles': 'Agreement articles',
  'area.capabilities': 'Capabilities',
  'area.coming': 'Coming',
  'area.standards': 'Standards',
  'area.article': 'Art. {n}',
  'area.telecomAnnex': 'Telecom annex',

  // 1. Trade digitalisation
  'trade.purpose': 'Paperless trade: transferable records, signed documents, e-contracts, e-invoices and a single window, so goods, title and payment move on data instead of paper.',
  'trade.users': 'Traders, carriers, banks, customs and other agencies',
  'trade.cap.etr.title': 'Electronic bills of lading and warehouse receipts',
  'trade.cap.etr.body': 'Issue, endorse, transfer and surrender electronic bills of lading and warehouse receipts, with the full chain of custody on the verifiable log.',
  'trade.cap.etr.std': 'DCSA eBL 3.0, UNCITRAL MLETR',
  'trade.cap.sign.title': 'Signing and verification',
  'trade.cap.sign.body': 'Sign and verify documents with international and Chinese algorithms.',
  'trade.cap.sign.std': 'Ed25519, ECDSA, RSA, SM2/SM3, JWS, CMS, XMLDSig, RFC 3161',
  'trade.cap.contracts.title': 'Cross-border e-contracts',
  'trade.cap.contracts.body': 'Sign cross-border electronic contracts with evidence preservation.',
  'trade.cap.contracts.std': 'RFC 9162 verifiable log, RFC 3161 timestamps',
  'trade.cap.einvoice.title': 'E-invoice validation',
  'trade.cap.einvoice.body': 'Validate electronic invoices and report every error with its rule.',
  'trade.cap.einvoice.std': 'EN 16931, UBL 2.1, UN/CEFACT CII D16B, Peppol BIS Billing 3.0',
  'trade.cap.window.title': 'Single window',
  'trade.cap.window.body': 'Lodge a declaration once at a single window shared by Beijing, Tianjin and Hebei, and follow its route through the agencies.',
  'trade.cap.window.std': 'WCO Data Model, WCO UCR',
  'trade.cap.verify.title': 'One-call verification for banks',
  'trade.cap.verify.body': 'Let a bank verify any electronic trade document in one call.',
  'trade.cap.verify.std': 'JWS, CMS, XMLDSig, X.509 trust lists',

  // 2. Data governance
  'data.purpose': 'Trusted data flows: register data products, decide cross-border transfers under the rules, protect personal information and publish open data.',
  'data.users': 'Data holders, a data exchange, regulators, data subjects',
  'data.cap.registry.title': 'Data product registry',
  'data.cap.registry.body': 'Register data products and their holders.',
  'data.cap.registry.std': 'W3C DCAT v3',
  'data.cap.crossborder.title': 'Cross-border transfer assessment',
  'data.cap.crossborder.body': 'Assess a cross-border transfer: exempt, standard contract, certification or security assessment, including the free-trade-zone negative list.',
  'data.cap.crossborder.std': 'Provisions on cross-border data flows (2024), FTZ negative lists',
  'data.cap.pii.title': 'Personal information discovery and masking',
  'data.cap.pii.body': 'Find personal information in data and mask it.',
  'data.cap.pii.std': 'PIPL',
  'data.cap.consent.title': 'Consent records',
  'data.cap.consent.body': 'Record consent as signed evidence, and its withdrawal.',
  'data.cap.consent.std': 'PIPL',
  'data.cap.dsr.title': 'Data-subject requests',
  'data.cap.dsr.body': 'Answer data-subject requests for access, correction and deletion.',
  'data.cap.dsr.std': 'PIPL',
  'data.cap.opendata.title': 'Open data',
  'data.cap.opendata.body': 'Publish open data with full metadata and real-time updates.',
  'data.cap.opendata.std': 'W3C DCAT v3',

  // 3. Consumer protection
  'consumer.purpose': 'Consumer trust online: resolve complaints quickly, keep commercial messages to consent, and hold merchants to what they promise.',
  'consumer.users': 'Consumers, merchants, mediators, regulators',
  'consumer.cap.odr.title': 'Online dispute resolution',
  'consumer.cap.odr.body': 'File and resolve complaints online: the merchant first, then mediation, then the regulator.',
  'consumer.cap.odr.std': 'UNCITRAL Technical Notes on ODR',
  'consumer.cap.messaging.title': 'Commercial messages',
  'consumer.cap.messaging.body': 'Keep commercial messages to consent and sender identification, with free one-click unsubscribe.',
  'consumer.cap.messaging.std': 'RFC 8058',
  'consumer.cap.disclosures.title': 'Merchant disclosures',
  'consumer.cap.disclosures.body': 'Hold merchants to their published disclosures.',
  'consumer.cap.disclosures.std': 'Agreement article 14',
  'consumer.cap.nondelivery.title': 'Charges without delivery',
  'consumer.cap.nondelivery.body': 'Catch charges made without delivery.',
  'consumer.cap.nondelivery.std': 'Agreement article 14',

  // 4. Telecommunications openness
  'telecom.purpose': 'Open, transparent telecommunications: licensing with published criteria and reasons, reference interconnection offers and an Internet exchange.',
  'telecom.users': 'Telecom operators, an Internet exchange, the regulator',
  'telecom.cap.licences.title': 'Value-added telecom licences',
  'telecom.cap.licences.body': 'Apply for value-added telecom licences and track decisions and their reasons.',
  'telecom.cap.licences.std': 'Agreement telecommunications annex',
  'telecom.cap.criteria.title': 'Licensing criteria and interconnection offers',
  'telecom.cap.criteria.body': 'Publish licensing criteria and reference interconnection offers.',
  'telecom.cap.criteria.std': 'Agreement article 21',
  'telecom.cap.ix.title': 'Internet exchange registry',
  'telecom.cap.ix.body': 'Run an Internet exchange member registry with peering data and route-server configuration.',
  'telecom.cap.ix.std': 'BGP route servers, PeeringDB-style data',

  // 5. International cooperation
  'cooperation.purpose': 'Working across borders: move records and declarations between platforms, recognise each other’s signatures, and be transparent about measures.',
  'cooperation.users': 'Other members’ platforms, enquirers',
  'cooperation.cap.pint.title': 'eBL platform interoperability',
  'cooperation.cap.pint.body': 'Move electronic bills of lading to and from other platforms.',
  'cooperation.cap.pint.std': 'DCSA PINT 3.0',
  'cooperation.cap.windows.title': 'Window-to-window exchange',
  'cooperation.cap.windows.body': 'Exchange declarations with other single windows.',
  'cooperation.cap.windows.std': 'UN/CEFACT Recommendation 36',
  'cooperation.cap.trust.title': 'Trust-list federation',
  'cooperation.cap.trust.body': 'Federate trust lists for mutual recognition of electronic signatures.',
  'cooperation.cap.trust.std': 'ETSI TS 119 612',
  'cooperation.cap.transparency.title': 'Transparency and enquiries',
  'cooperation.cap.transparency.body': 'Publish measures and answer enquiries.',
  'cooperation.cap.transparency.std': 'Agreement articles 18–20',
  'cooperation.cap.reporting.title': 'Implementation reporting',
  'cooperation.cap.reporting.body': 'Report implementation article by article.',
  'cooperation.cap.reporting.std': 'INF/ECOM/87',

  // Not found
  'notFound.title': 'Page not found',
  'notFound.body': 'There is no page at this address.',
  'notFound.home': 'Go to the status page',
} as const;

export type MessageKey = keyof typeof en;
export type Catalogue = { readonly [K in MessageKey]: string };

const zhCN: Catalogue = {
  'nav.etr': '提单与仓单',
  'etr.title': '电子可转让记录',
  'etr.intro': '贵单位签发、持有或作为被背书人、质权人的电子提单（DCSA eBL 3.0）和电子仓单。每一步都由控制方签名，并记入存证日志。',
  'etr.empty': '暂无记录。',
  'etr.reference': '编号',
  'etr.type': '类型',
  'etr.type.ebl': '提单',
  'etr.type.ewr': '仓单',
  'etr.kind': '种类',
  'etr.kind.straight': '记名提单',
  'etr.kind.toOrder': '指示提单',
  'etr.kind.blank': '空白背书',
  'etr.status': '状态',
  'etr.status.active': '有效',
  'etr.status.surrender_pending': '待交回确认',
  'etr.status.surrendered': '已交回',
  'etr.status.amended': '因修改已交回',
  'etr.status.switched_to_paper': '已转为纸质',
  'etr.status.void': '已作废（已修改）',
  'etr.issuer': '签发人',
  'etr.holder': '持有人',
  'etr.endorsee': '被背书人',
  'etr.pledgee': '质权人',
  'etr.sequence': '步骤数',
  'etr.head': '链头哈希',
  'etr.back': '← 全部记录',
  'etr.form.title': '办理操作',
  'etr.form.intro': '用贵单位托管的签名密钥或保存在本浏览器中的密钥（私钥不离开浏览器）签署该操作；只有控制方可以操作，且记录须仍处于您看到的状态。',
  'etr.form.action': '操作',
  'etr.form.recipient': '接收方（机构编号）',
  'etr.form.reason': '原因代码（SWTP：转为纸质）',
  'etr.form.key': '签名密钥',
  'etr.form.noKey': '贵单位尚无托管签名密钥。',
  'etr.form.browserKey': '本浏览器中的密钥（ES256）',
  'etr.form.newBrowserKey': '在本浏览器中新建密钥（首次使用时生成并登记）',
  'etr.form.noBrowserSigning': '在浏览器中签名需要 https（或 localhost）。',
  'etr.form.noOrganisation': '您的用户不属于任何机构，无法办理操作。',
  'etr.form.submit': '签名并提交',
  'etr.form.signing': '签名中…',
  'etr.form.done': '{code} 已记录为第 {sequence} 步。',
  'etr.form.conflict': '记录已被更新，请刷新后重试。',
  'etr.custody.title': '流转记录',
  'etr.custody.signatureValid': '签名有效',
  'etr.custody.signatureInvalid': '签名未通过验证',
  'etr.custody.logged': '已记入存证日志 #{index}',
  'etr.custody.notLogged': '日志证明待定',
  // Shell
  'app.name': 'digitrade',
  'app.tagline': '数字贸易试验区',
  'app.skipToContent': '跳到主要内容',
  'app.loading': '加载中…',
  'app.footer': '实施世贸组织《电子商务协定》（INF/ECOM/87）。',
  'header.language': '语言',
  'header.signedIn': '当前用户',
  'header.signedInAs': '当前用户：{name}',
  'header.roles': '角色：{roles}',
  'header.signOut': '退出登录',
  'lang.en': 'English',
  'lang.zh-CN': '中文',

  // Navigation
  'nav.label': '主导航',
  'nav.platform': '平台',
  'nav.areas': '业务领域',
  'nav.status': '运行状态',
  'nav.organisations': '机构',
  'nav.trade': '贸易数字化',
  'nav.data': '数据治理',
  'nav.consumer': '消费者保护',
  'nav.telecom': '电信开放',
  'nav.cooperation': '国际合作',
  'nav.log': '存证日志',
  'log.title': '存证日志',
  'log.intro': '每一个可能产生争议的事件都追加到这份防篡改的默克尔日志中。任何持有日志公钥的人都可以核验某条记录确在日志之中、日志从未被改写，而无需信任本服务器。',
  'log.origin': '日志标识',
  'log.hash': '哈希算法',
  'log.size': '记录数',
  'log.key': '验证公钥',
  'log.checkpoint': '最新签名检查点',
  'log.growth': '增长',
  'log.growth.label': '最近 {n} 个 5 秒间隔内每个间隔新增的记录数，最近一次为 {last}。',
  'log.growth.waiting': '正在收集数据，两次更新后显示图表。',
  'log.verify.title': '核验一条记录',
  'log.verify.intro': '核验在本浏览器中完成：用下方公钥验证检查点的签名，并根据检查点的根哈希验证该记录的包含证明。',
  'log.verify.index': '记录序号',
  'log.verify.key': '所信任的验证公钥',
  'log.verify.keyHint': '请与运营方在其他渠道公布的公钥比对；仅取自本页面的公钥无法用来防范本服务器本身。',
  'log.verify.submit': '核验',
  'log.verify.running': '核验中…',
  'log.verify.badIndex': '请输入 0 到 {max} 之间的记录序号。',
  'log.verify.badKey': '这不是有效的验证公钥（名称+哈希+公钥），或其哈希不匹配。',
  'log.verify.signature.valid': '检查点签名：有效',
  'log.verify.signature.invalid': '检查点签名：无效',
  'log.verify.signature.missing': '检查点签名：没有该公钥的签名',
  'log.verify.signature.unsupported': '检查点签名：未核验（本浏览器不支持 Ed25519）',
  'log.verify.included': '第 {index} 条记录确在共 {size} 条记录的日志中。',
  'log.verify.notIncluded': '包含证明与检查点不符。',
  'log.verify.entry': '类型 {kind}，{bytes} 字节',

  // Signatures page
  'nav.signatures': '验证签名',
  'sig.title': '验证签名',
  'sig.intro': '拖入一个已签名的文件：JWS、CMS/CAdES 签名或已签名的 XML 文件。平台核验签名本身、签名人证书链及其吊销状态，并指明是哪个法域的信任列表为签名人作保。',
  'sig.file': '已签名文件',
  'sig.file.hint': '将文件拖到此处或点击选择（.jws、.json、.p7s、.der、.pem、.xml）',
  'sig.content': '被签名内容（仅分离式签名需要）',
  'sig.content.hint': '分离式签名所覆盖的原文件（若不在已签名文件之内）',
  'sig.submit': '验证',
  'sig.running': '正在验证…',
  'sig.verdict.passed': '签名有效',
  'sig.verdict.failed': '签名无效',
  'sig.verdict.indeterminate': '无法确认',
  'sig.format': '格式',
  'sig.algorithm': '算法',
  'sig.signer': '签名人',
  'sig.signingTime': '签名时间',
  'sig.time.claimed': '签名人自述',
  'sig.time.timestamp': '经时间戳证明',
  'sig.anchor': '信任锚',
  'sig.trustList': '信任列表（法域）',
  'sig.details': '详情',
  'nav.einvoices': '电子发票',
  'einv.title': '电子发票',
  'einv.intro': '拖入一张 UBL 2.1 或 UN/CEFACT CII 发票，按 EN 16931 与 Peppol BIS Billing 3.0 规则校验。每条结果都给出官方规则编号及其在文档中的位置。无误的发票可以登记：平台用贵机构的密钥签名并写入存证日志，供银行日后核验。',
  'einv.file': '发票（XML）',
  'einv.file.hint': '将发票拖到此处或点击选择（.xml）',
  'einv.rules': '规则集',
  'einv.rules.hint': '未选择时按文档的 CustomizationID 自动选取。',
  'einv.submit': '校验',
  'einv.running': '处理中…',
  'einv.verdict.clean': '有效：无问题',
  'einv.verdict.warnings': '有效，但有警告',
  'einv.verdict.fatal': '无效：存在致命错误',
  'einv.verdict.crash': '无法校验：官方规则在此文档上中止',
  'einv.summary': '{syntax} · {rules} · 致命 {fatal} 条，警告 {warnings} 条',
  'einv.crash': '{rules}：{reason}',
  'einv.findings': '校验结果',
  'einv.noFindings': '没有触发任何规则。',
  'einv.col.flag': '级别',
  'einv.col.rule': '规则',
  'einv.col.message': '说明',
  'einv.col.location': '位置（点击在文档中显示）',
  'einv.flag.fatal': '致命',
  'einv.flag.warning': '警告',
  'einv.showInDocument': '在文档中显示',
  'einv.notLocated': '浏览器读取的文档中找不到此位置',
  'einv.located': '{location}：已在文档中突出显示 {count} 个元素',
  'einv.ambiguous': '报告的位置对应 {count} 个元素，均已突出显示。',
  'einv.document': '文档',
  'einv.notParsed': '浏览器无法显示此文档：{error}',
  'einv.register': '登记、签名并写入日志',
  'einv.register.needsTrader': '登记需要所属机构中具有 trader 角色的用户。',
  'einv.registered.now': '已登记为 {id}，存证日志序号 {index}。',
  'einv.registered.title': '本机构已登记的发票',
  'einv.registered.none': '暂无。',
  'einv.reg.number': '发票号',
  'einv.reg.seller': '销售方',
  'einv.reg.total': '总额',
  'einv.reg.date': '开票日期',
  'einv.reg.logIndex': '日志序号',
  'einv.reg.at': '登记时间',

  // Sign-in
  'signin.title': '登录',
  'signin.intro': '请使用平台管理员签发的 API 令牌登录。',
  'signin.tokenLabel': 'API 令牌',
  'signin.tokenHint': '令牌以“dt_”开头，仅保存在当前浏览器标签页中。',
  'signin.submit': '登录',
  'signin.submitting': '正在登录…',
  'signin.emptyToken': '请输入 API 令牌。',
  'signin.failed': '登录失败',
  'signin.sessionEnded': '会话已结束，请重新登录。',
  'signin.signedOut': '您已退出登录。',

  // Errors
  'error.title': '出现错误',
  'error.network': '无法连接服务器，请检查网络后重试。',
  'error.http': '服务器返回 HTTP 状态码 {status}。',
  'error.badResponse': '服务器的响应无法解析。',
  'error.retry': '重试',

  // Status page
  'status.title': '平台运行状态',
  'status.intro': '本服务器的实时数据，每 5 秒刷新一次。',
  'status.health': '健康状况',
  'status.health.ok': '正常',
  'status.health.unreachable': '无法连接',
  'status.health.other': '{status}',
  'status.version': '版本',
  'status.database': '数据库',
  'status.uptime': '运行时长',
  'status.startedAt': '启动于 {time}',
  'status.counts': '注册情况',
  'status.count.organisations': '机构',
  'status.count.users': '用户',
  'status.count.tokens': '有效令牌',
  'status.requests': 'HTTP 请求',
  'status.requestsTotal': '累计 {n} 次请求',
  'status.requestsPerPoll': '每 5 秒请求数',
  'status.sparkline.label': '最近 {n} 个时段的每时段请求数，最新 {last}，最高 {max}。',
  'status.sparkline.waiting': '正在收集数据，两次刷新后显示图表。',
  'status.updatedAt': '更新于 {time}',
  'status.notAvailable': '—',
  'db.sqlite': 'SQLite',
  'db.postgres': 'PostgreSQL',
  'db.other': '{name}',

  // Durations
  'duration.seconds': '{s} 秒',
  'duration.minutes': '{m} 分 {s} 秒',
  'duration.hours': '{h} 小时 {m} 分',
  'duration.days': '{d} 天 {h} 小时',

  // Organisations page
  'orgs.title': '机构',
  'orgs.intro': '在平台注册的各方，以统一社会信用代码（USCC）或法人机构识别编码（LEI）标识。',
  'orgs.caption': '已注册机构',
  'orgs.count': '已显示 {n} 家',
  'orgs.empty': '尚无注册机构。',
  'orgs.more': '加载更多',
  'orgs.col.name': '名称',
  'orgs.col.identifier': '标识码',
  'orgs.col.scheme': '标识类型',
  'orgs.col.country': '国家/地区',
  'orgs.col.created': '注册时间',
  'orgs.col.id': '平台编号',
  'scheme.uscc': '统一社会信用代码',
  'scheme.lei': 'LEI',
  'scheme.other': '{name}',

  // Area pages (shared)
  'area.label': '领域 {n}',
  'area.users': '使用者',
  'area.articles': '协定条款',
  'area.capabilities': '功能',
  'area.coming': '即将推出',
  'area.standards': '标准',
  'area.article': '第 {n} 条',
  'area.telecomAnnex': '电信附件',

  // 1. Trade digitalisation
  'trade.purpose': '无纸化贸易：可转让记录、签名文件、电子合同、电子发票和单一窗口，让货物、物权和资金依托数据而非纸张流转。',
  'trade.users': '贸易商、承运人、银行、海关及其他部门',
  'trade.cap.etr.title': '电子提单和电子仓单',
  'trade.cap.etr.body': '签发、背书、转让和提交电子提单与电子仓单，完整流转链记录在可验证日志上。',
  'trade.cap.etr.std': 'DCSA eBL 3.0、UNCITRAL《电子可转让记录示范法》',
  'trade.cap.sign.title': '签名与验签',
  'trade.cap.sign.body': '使用国际算法和国密算法对文件签名和验签。',
  'trade.cap.sign.std': 'Ed25519、ECDSA、RSA、SM2/SM3、JWS、CMS、XMLDSig、RFC 3161',
  'trade.cap.contracts.title': '跨境电子合同',
  'trade.cap.contracts.body': '签订跨境电子合同并进行存证。',
  'trade.cap.contracts.std': 'RFC 9162 可验证日志、RFC 3161 时间戳',
  'trade.cap.einvoice.title': '电子发票校验',
  'trade.cap.einvoice.body': '校验电子发票，逐条列出错误及其对应规则。',
  'trade.cap.einvoice.std': 'EN 16931、UBL 2.1、UN/CEFACT CII D16B、Peppol BIS Billing 3.0',
  'trade.cap.window.title': '单一窗口',
  'trade.cap.window.body': '在京津冀共享的单一窗口一次申报，并跟踪申报在各部门间的流转。',
  'trade.cap.window.std': 'WCO 数据模型、WCO UCR',
  'trade.cap.verify.title': '银行一键核验',
  'trade.cap.verify.body': '银行通过一次调用即可核验任何电子贸易单证。',
  'trade.cap.verify.std': 'JWS、CMS、XMLDSig、X.509 信任列表',

  // 2. Data governance
  'data.purpose': '可信数据流动：登记数据产品，依规判定数据出境，保护个人信息，开放公共数据。',
  'data.users': '数据持有者、数据交易所、监管部门、数据主体',
  'data.cap.registry.title': '数据产品登记',
  'data.cap.registry.body': '登记数据产品及其持有者。',
  'data.cap.registry.std': 'W3C DCAT v3',
  'data.cap.crossborder.title': '数据出境评估',
  'data.cap.crossborder.body': '评估数据出境路径：豁免、标准合同、认证或安全评估，并对照自贸试验区负面清单。',
  'data.cap.crossborder.std': '《促进和规范数据跨境流动规定》（2024）、自贸试验区负面清单',
  'data.cap.pii.title': '个人信息识别与脱敏',
  'data.cap.pii.body': '识别数据中的个人信息并进行脱敏。',
  'data.cap.pii.std': '《个人信息保护法》',
  'data.cap.consent.title': '同意记录',
  'data.cap.consent.body': '以签名证据记录同意及其撤回。',
  'data.cap.consent.std': '《个人信息保护法》',
  'data.cap.dsr.title': '个人信息主体请求',
  'data.cap.dsr.body': '答复个人信息主体的查阅、更正和删除请求。',
  'data.cap.dsr.std': '《个人信息保护法》',
  'data.cap.opendata.title': '公共数据开放',
  'data.cap.opendata.body': '发布带完整元数据并实时更新的开放数据。',
  'data.cap.opendata.std': 'W3C DCAT v3',

  // 3. Consumer protection
  'consumer.purpose': '网络消费信任：快速解决投诉，商业信息须经同意，督促商家兑现承诺。',
  'consumer.users': '消费者、商家、调解员、监管部门',
  'consumer.cap.odr.title': '在线纠纷解决',
  'consumer.cap.odr.body': '在线提交和解决投诉：先由商家处理，再调解，最后由监管部门处理。',
  'consumer.cap.odr.std': 'UNCITRAL《关于网上争议解决的技术指引》',
  'consumer.cap.messaging.title': '商业信息',
  'consumer.cap.messaging.body': '商业信息须经同意并标明发送者，提供免费的一键退订。',
  'consumer.cap.messaging.std': 'RFC 8058',
  'consumer.cap.disclosures.title': '商家信息披露',
  'consumer.cap.disclosures.body': '督促商家履行其公开披露的承诺。',
  'consumer.cap.disclosures.std': '协定第 14 条',
  'consumer.cap.nondelivery.title': '付款未交付',
  'consumer.cap.nondelivery.body': '发现已扣款但未交付的交易。',
  'consumer.cap.nondelivery.std': '协定第 14 条',

  // 4. Telecommunications openness
  'telecom.purpose': '开放透明的电信业：公开许可条件并说明理由，发布参考互联报价，运营互联网交换中心。',
  'telecom.users': '电信运营商、互联网交换中心、监管部门',
  'telecom.cap.licences.title': '增值电信业务许可',
  'telecom.cap.licences.body': '申请增值电信业务许可，跟踪审批决定及其理由。',
  'telecom.cap.licences.std': '协定电信附件',
  'telecom.cap.criteria.title': '许可条件与互联报价',
  'telecom.cap.criteria.body': '公布许可条件和参考互联报价。',
  'telecom.cap.criteria.std': '协定第 21 条',
  'telecom.cap.ix.title': '互联网交换中心成员登记',
  'telecom.cap.ix.body': '运营互联网交换中心成员登记，管理对等互联数据和路由服务器配置。',
  'telecom.cap.ix.std': 'BGP 路由服务器、PeeringDB 式数据',

  // 5. International cooperation
  'cooperation.purpose': '跨境协作：在平台之间流转记录和申报，互认电子签名，公开相关措施。',
  'cooperation.users': '其他成员的平台、咨询者',
  'cooperation.cap.pint.title': '电子提单平台互通',
  'cooperation.cap.pint.body': '与其他平台之间转入和转出电子提单。',
  'cooperation.cap.pint.std': 'DCSA PINT 3.0',
  'cooperation.cap.windows.title': '单一窗口互联',
  'cooperation.cap.windows.body': '与其他单一窗口交换申报数据。',
  'cooperation.cap.windows.std': 'UN/CEFACT 第 36 号建议书',
  'cooperation.cap.trust.title': '信任列表联合',
  'cooperation.cap.trust.body': '联合信任列表，实现电子签名互认。',
  'cooperation.cap.trust.std': 'ETSI TS 119 612',
  'cooperation.cap.transparency.title': '透明度与咨询',
  'cooperation.cap.transparency.body': '公布相关措施并答复咨询。',
  'cooperation.cap.transparency.std': '协定第 18–20 条',
  'cooperation.cap.reporting.title': '实施情况报告',
  'cooperation.cap.reporting.body': '逐条报告协定实施情况。',
  'cooperation.cap.reporting.std': 'INF/ECOM/87',

  // Not found
  'notFound.title': '页面不存在',
  'notFound.body': '此地址没有对应的页面。',
  'notFound.home': '前往运行状态页',
};

export const CATALOGUES: { readonly [L in Lang]: Catalogue } = {
  en,
  'zh-CN': zhCN,
};

export type Params = Readonly<Record<string, string | number>>;

/** Looks up `key` in the catalogue of `lang` and fills `{name}` placeholders. */
export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  const text = CATALOGUES[lang][key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

const STORAGE_KEY = 'digitrade.lang';

function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** The saved choice if any, else the browser's preferred language. */
export function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (isLang(saved)) return saved;
  } catch {
    // Storage may be disabled; fall through to the browser's language.
  }
  const preferred = navigator.languages?.length ? navigator.languages : [navigator.language];
  for (const tag of preferred) {
    const lower = (tag || '').toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

export function saveLang(lang: Lang): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Not persisted; the choice still applies to this page.
  }
}

export interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: MessageKey, params?: Params) => string;
  /** Locale-aware number formatting. */
  formatNumber: (n: number) => string;
  /** Locale-aware date and time formatting of an ISO 8601 timestamp or Date. */
  formatDateTime: (value: string | Date) => string;
  /** Date only, for tables. */
  formatDate: (value: string | Date) => string;
  formatTime: (value: Date) => string;
}

export function makeI18n(lang: Lang, setLang: (lang: Lang) => void): I18n {
  const numbers = new Intl.NumberFormat(lang);
  const dateTimes = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
  const dates = new Intl.DateTimeFormat(lang, { dateStyle: 'medium' });
  const times = new Intl.DateTimeFormat(lang, { timeStyle: 'medium' });
  const withFormat = (format: Intl.DateTimeFormat) => (value: string | Date) => {
    const date = typeof value === 'string' ? new Date(value) : value;
    return Number.isNaN(date.getTime()) ? String(value) : format.format(date);
  };
  return {
    lang,
    setLang,
    t: (key, params) => translate(lang, key, params),
    formatNumber: (n) => numbers.format(n),
    formatDateTime: withFormat(dateTimes),
    formatDate: withFormat(dates),
    formatTime: (value) => times.format(value),
  };
}

export const I18nContext = createContext<I18n>(makeI18n('en', () => undefined));

export function useI18n(): I18n {
  return useContext(I18nContext);
}
