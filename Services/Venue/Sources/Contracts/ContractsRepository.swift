import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// A contract row as the service sees it: the API shape plus where its document is stored (which
/// never leaves the service).
struct ContractRecord: Sendable {
    var contract: Contract
    var documentKey: String?
    /// The row version (`xmin`): any UPDATE changes it, so it detects writes between a read and a write.
    var version: String
    var signatureProvider: String? { contract.signature?.provider }
    var agreementID: String? { contract.signature?.agreementId }
}

/// Contract rows and their signers, always within one company. The lifecycle actions
/// (`ContractWorkflow`) run these statements on a connection inside their own transaction.
struct ContractsRepository: Sendable {
    let database: Database

    static let columns = """
        c.id, c.company_id, c.booking_id, c.deal_id, c.title, c.status, c.template_key, c.variables::text AS variables, c.notes,
        c.document_storage_key, c.document_content_type, c.document_size_bytes, c.document_sha256, c.generated_at,
        c.signature_provider, c.signature_agreement_id, c.signature_status, c.signature_error, c.signature_synced_at,
        c.sent_at, c.signed_at, c.declined_at, c.voided_at, c.expires_at, c.resend_count, c.last_sent_at,
        c.created_by, c.created_at, c.updated_at, c.xmin::text AS row_version
        """

    static let signerColumns = """
        s.contract_id, s.id, s.name, s.email, s.role, s.signing_order, s.status, s.last_sent_at, s.signed_at, s.declined_at
        """

    static let constraints = ConstraintMessages([
        "contracts_booking_fk": .validation(field: "bookingId", code: "not_found", message: "No booking with this id in this company."),
        "contracts_deal_fk": .validation(field: "dealId", code: "not_found", message: "No deal with this id in this company."),
        "contract_signers_email_key": .validation(field: "signers", code: "duplicate", message: "Each signer e-mail may appear once."),
    ])

    static func decode(_ row: PostgresRow) throws -> ContractRecord {
        let c = Columns(row)
        let id: UUID = try c("id")
        let key: String? = try c("document_storage_key")
        var document: ContractDocumentInfo?
        if key != nil, let generatedAt: Date = try c("generated_at") {
            document = ContractDocumentInfo(
                contentType: try c("document_content_type") ?? "application/pdf", sizeBytes: try c("document_size_bytes") ?? 0,
                sha256: try c("document_sha256") ?? "", generatedAt: generatedAt,
                downloadUrl: "/api/v1/contracts/\(id.uuidString.lowercased())/document")
        }
        var signature: ContractSignatureInfo?
        if let provider: String = try c("signature_provider") {
            signature = ContractSignatureInfo(
                provider: provider, agreementId: try c("signature_agreement_id"), providerStatus: try c("signature_status"),
                error: try c("signature_error"), syncedAt: try c("signature_synced_at"), lastSentAt: try c("last_sent_at"),
                resendCount: try c("resend_count"))
        }
        let contract = Contract(
            id: id, companyId: try c("company_id"), bookingId: try c("booking_id"), dealId: try c("deal_id"), title: try c("title"),
            status: try c("status"), templateKey: try c("template_key") ?? ContractRules.defaultTemplate, variables: try c.json("variables"),
            notes: try c("notes"), expiresAt: try c("expires_at"), document: document, signature: signature, signers: [],
            sentAt: try c("sent_at"), signedAt: try c("signed_at"), declinedAt: try c("declined_at"), voidedAt: try c("voided_at"),
            createdBy: try c("created_by"), createdAt: try c("created_at"), updatedAt: try c("updated_at"))
        return ContractRecord(contract: contract, documentKey: key, version: try c("row_version"))
    }

    static func decodeSigner(_ row: PostgresRow) throws -> (UUID, ContractSigner) {
        let c = Columns(row)
        return (try c("contract_id"), ContractSigner(
            id: try c("id"), name: try c("name"), email: try c("email"), role: try c("role"), signingOrder: try c("signing_order"),
            status: try c("status"), lastSentAt: try c("last_sent_at"), signedAt: try c("signed_at"), declinedAt: try c("declined_at")))
    }

    // MARK: Reads

    func list(companyID: UUID, _ filter: ContractFilter, page: PageRequest) async throws -> (items: [Contract], total: Int) {
        let pattern = SQLPattern.contains(filter.q)
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM contracts c
            WHERE c.company_id = \(companyID)
              AND (\(filter.status)::text IS NULL OR c.status = \(filter.status))
              AND (\(filter.bookingID)::uuid IS NULL OR c.booking_id = \(filter.bookingID))
              AND (\(filter.dealID)::uuid IS NULL OR c.deal_id = \(filter.dealID))
              AND (\(pattern)::text IS NULL OR c.title ILIKE \(pattern))
            \(unescaped: suffix)
            """
        }
        let total = try await database.query(query("count(*)", "")).count()
        let rows = try await database.query(query(Self.columns, "ORDER BY c.created_at DESC, c.id \(SQLText.page(page))")).collect(Self.decode)
        let signers = try await Self.signers(companyID: companyID, contractIDs: rows.map(\.contract.id), database: database)
        return (Self.attach(signers, to: rows).map(\.contract), total)
    }

    func get(companyID: UUID, id: UUID) async throws -> ContractRecord? {
        guard let row = try await database.query("""
            SELECT \(unescaped: Self.columns) FROM contracts c WHERE c.company_id = \(companyID) AND c.id = \(id)
            """).first(Self.decode) else { return nil }
        let signers = try await Self.signers(companyID: companyID, contractIDs: [id], database: database)
        return Self.attach(signers, to: [row])[0]
    }

    /// The signers of a page of contracts in one query, in signing order.
    static func signers(companyID: UUID, contractIDs: [UUID], database: Database) async throws -> [(UUID, ContractSigner)] {
        guard !contractIDs.isEmpty else { return [] }
        return try await database.query(signersQuery(companyID: companyID, contractIDs: contractIDs)).collect(decodeSigner)
    }

    static func signersQuery(companyID: UUID, contractIDs: [UUID]) -> PostgresQuery {
        """
        SELECT \(unescaped: signerColumns) FROM contract_signers s
        WHERE s.company_id = \(companyID) AND s.contract_id = ANY(\(contractIDs))
        ORDER BY s.contract_id, s.signing_order, s.created_at, s.email
        """
    }

    static func attach(_ signers: [(UUID, ContractSigner)], to records: [ContractRecord]) -> [ContractRecord] {
        let grouped = Dictionary(grouping: signers, by: \.0).mapValues { $0.map(\.1) }
        return records.map { record in
            var record = record
            record.contract.signers = grouped[record.contract.id] ?? []
            return record
        }
    }

    // MARK: Create

    func create(companyID: UUID, userID: UUID, _ input: CreateContract) async throws -> Contract {
        let logger = database.logger
        let variables = try SQLText.json(input.variables.flatMap { $0.isNull ? nil : $0 }) ?? "{}"
        return try await Self.constraints.map {
            try await database.transaction { connection in
                let bookingID = try await Self.resolveLinks(companyID: companyID, bookingID: input.bookingId, dealID: input.dealId,
                                                            on: connection, logger: logger)
                let record = try await connection.query("""
                    INSERT INTO contracts AS c (company_id, booking_id, deal_id, title, template_key, variables, notes, expires_at, created_by)
                    VALUES (\(companyID), \(bookingID), \(input.dealId), \(input.title ?? ""), \(input.templateKey ?? ContractRules.defaultTemplate),
                            \(variables)::jsonb, \(input.notes), \(input.expiresAt), \(userID))
                    RETURNING \(unescaped: Self.columns)
                    """, logger: logger).first(Self.decode)!
                try await Self.insertSigners(input.signers ?? [], companyID: companyID, contractID: record.contract.id,
                                             on: connection, logger: logger)
                return try await Self.reload(companyID: companyID, id: record.contract.id, on: connection, logger: logger)!.contract
            }
        }
    }

    // MARK: Statements for the workflow's transactions

    /// The contract with its signers, locked against concurrent lifecycle actions until the transaction ends.
    static func lock(companyID: UUID, id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> ContractRecord? {
        guard let row = try await connection.query("""
            SELECT \(unescaped: columns) FROM contracts c WHERE c.company_id = \(companyID) AND c.id = \(id) FOR UPDATE
            """, logger: logger).first(decode) else { return nil }
        let signers = try await connection.query(signersQuery(companyID: companyID, contractIDs: [id]), logger: logger).collect(decodeSigner)
        return attach(signers, to: [row])[0]
    }

    static func reload(companyID: UUID, id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> ContractRecord? {
        guard let row = try await connection.query("""
            SELECT \(unescaped: columns) FROM contracts c WHERE c.company_id = \(companyID) AND c.id = \(id)
            """, logger: logger).first(decode) else { return nil }
        let signers = try await connection.query(signersQuery(companyID: companyID, contractIDs: [id]), logger: logger).collect(decodeSigner)
        return attach(signers, to: [row])[0]
    }

    /// The booking and deal must be rows of this company (every bad field reported), and a deal tied to
    /// a booking must not contradict the contract's booking. Returns the booking the contract is about:
    /// the one given, else the deal's.
    static func resolveLinks(companyID: UUID, bookingID: UUID?, dealID: UUID?, on connection: PostgresConnection,
                             logger: Logger) async throws -> UUID? {
        guard bookingID != nil || dealID != nil else { return nil }
        let row = try await connection.query("""
            SELECT
                (\(bookingID)::uuid IS NULL OR EXISTS (SELECT 1 FROM bookings WHERE company_id = \(companyID) AND id = \(bookingID))),
                (\(dealID)::uuid IS NULL OR EXISTS (SELECT 1 FROM deals WHERE company_id = \(companyID) AND id = \(dealID))),
                (SELECT booking_id FROM deals WHERE company_id = \(companyID) AND id = \(dealID))
            """, logger: logger).first { try $0.decode((Bool, Bool, UUID?).self) }!
        var v = Validator()
        if !row.0 { v.add("bookingId", "not_found", "No booking with this id in this company.") }
        if !row.1 { v.add("dealId", "not_found", "No deal with this id in this company.") }
        if let bookingID, let dealBooking = row.2, dealBooking != bookingID {
            v.add("dealId", "booking_mismatch", "The deal belongs to another booking than the contract's.")
        }
        try v.validate()
        return bookingID ?? row.2
    }

    /// Replaces the signer list (one INSERT from a JSON array); e-mails stored lower-case.
    static func insertSigners(_ signers: [SignerInput], companyID: UUID, contractID: UUID, on connection: PostgresConnection,
                              logger: Logger) async throws {
        guard !signers.isEmpty else { return }
        let rows = signers.enumerated().map { index, signer in
            SignerRow(name: signer.name ?? "", email: signer.normalizedEmail ?? "", role: signer.role ?? "signer",
                      signingOrder: signer.signingOrder ?? index + 1)
        }
        let json = String(decoding: try JSONCoding.encoder.encode(rows), as: UTF8.self)
        try await connection.query("""
            INSERT INTO contract_signers (company_id, contract_id, name, email, role, signing_order)
            SELECT \(companyID), \(contractID), r.name, r.email, r.role, r.signing_order
            FROM jsonb_to_recordset(\(json)::jsonb) AS r(name text, email text, role text, signing_order integer)
            """, logger: logger)
    }

    private struct SignerRow: Encodable {
        var name: String
        var email: String
        var role: String
        var signingOrder: Int

        enum CodingKeys: String, CodingKey {
            case name, email, role
            case signingOrder = "signing_order"
        }
    }

    /// The PATCH: one UPDATE of the contract, the signers replaced when given. `status` and the links
    /// are decided by the workflow and passed in.
    static func update(_ record: ContractRecord, _ p: ContractPatch, status: String, bookingID: UUID?, dealID: UUID?,
                       on connection: PostgresConnection, logger: Logger) async throws {
        let companyID = record.contract.companyId
        let id = record.contract.id
        let variables = try SQLText.json(p.variablesValue)
        try await connection.query("""
            UPDATE contracts SET
                title = COALESCE(\(p.title.value), title),
                booking_id = \(bookingID),
                deal_id = \(dealID),
                template_key = COALESCE(\(p.templateKey.value), template_key),
                variables = COALESCE(\(variables)::jsonb, variables),
                notes = CASE WHEN \(p.notes.clears) THEN NULL ELSE COALESCE(\(p.notes.value), notes) END,
                expires_at = CASE WHEN \(p.expiresAt.clears) THEN NULL ELSE COALESCE(\(p.expiresAt.value), expires_at) END,
                status = \(status),
                voided_at = CASE WHEN \(status) = 'voided' THEN COALESCE(voided_at, now()) ELSE voided_at END,
                updated_at = now()
            WHERE company_id = \(companyID) AND id = \(id)
            """, logger: logger)
        if let signers = p.signers.value {
            try await connection.query("""
                DELETE FROM contract_signers WHERE company_id = \(companyID) AND contract_id = \(id)
                """, logger: logger)
            try await insertSigners(signers, companyID: companyID, contractID: id, on: connection, logger: logger)
        }
    }

    /// Points the contract at its new document and marks it generated — only if nothing changed since
    /// the data it was rendered from was read (else a concurrent edit would be silently lost from it).
    static func recordDocument(companyID: UUID, id: UUID, renderedFrom version: String, document: StoredDocument, generatedAt: Date,
                               on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        try await connection.query("""
            UPDATE contracts SET
                status = 'generated', document_storage_key = \(document.key), document_content_type = \(document.contentType),
                document_size_bytes = \(document.sizeBytes), document_sha256 = \(document.sha256), generated_at = \(generatedAt),
                updated_at = now()
            WHERE company_id = \(companyID) AND id = \(id) AND xmin::text = \(version) AND status IN ('draft', 'generated')
            RETURNING id
            """, logger: logger).first { try $0.decode(UUID.self) } != nil
    }

    /// After a successful send: the provider, its agreement id and status; signers as the provider reports.
    static func recordSent(companyID: UUID, id: UUID, provider: String, state: AgreementState, on connection: PostgresConnection,
                           logger: Logger) async throws {
        try await connection.query("""
            UPDATE contracts SET
                status = \(state.status), signature_provider = \(provider), signature_agreement_id = \(state.agreementID),
                signature_status = \(state.providerStatus), signature_error = NULL, signature_synced_at = now(),
                sent_at = now(), last_sent_at = now(), updated_at = now()
            WHERE company_id = \(companyID) AND id = \(id)
            """, logger: logger)
        try await applySigners(companyID: companyID, id: id, state.signers, on: connection, logger: logger)
    }

    /// After a reminder: the signers who were asked and have not acted were notified again. Signers
    /// still `pending` (their turn in a sequential flow has not come) were not, and stay as they are.
    static func recordResent(companyID: UUID, id: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            UPDATE contracts SET resend_count = resend_count + 1, last_sent_at = now(), updated_at = now()
            WHERE company_id = \(companyID) AND id = \(id)
            """, logger: logger)
        try await connection.query("""
            UPDATE contract_signers SET last_sent_at = now(), updated_at = now()
            WHERE company_id = \(companyID) AND contract_id = \(id) AND role <> 'cc' AND status IN ('sent', 'viewed')
            """, logger: logger)
    }

    /// A provider state fetched by a status refresh. The contract status moves only forward along the
    /// transition table (a provider repeating an older state changes nothing); timestamps are set once.
    static func applyProviderState(_ record: ContractRecord, _ state: AgreementState, on connection: PostgresConnection,
                                   logger: Logger) async throws {
        let current = record.contract.status
        let status = ContractStatus.transitions[current, default: []].contains(state.status) ? state.status : current
        try await connection.query("""
            UPDATE contracts SET
                status = \(status), signature_status = \(state.providerStatus), signature_error = NULL, signature_synced_at = now(),
                signed_at = CASE WHEN \(status) = 'signed' THEN COALESCE(signed_at, now()) ELSE signed_at END,
                declined_at = CASE WHEN \(status) = 'declined' THEN COALESCE(declined_at, now()) ELSE declined_at END,
                voided_at = CASE WHEN \(status) = 'voided' THEN COALESCE(voided_at, now()) ELSE voided_at END,
                updated_at = CASE WHEN status = \(status) THEN updated_at ELSE now() END
            WHERE company_id = \(record.contract.companyId) AND id = \(record.contract.id)
            """, logger: logger)
        try await applySigners(companyID: record.contract.companyId, id: record.contract.id, state.signers, on: connection, logger: logger)
    }

    private static func applySigners(companyID: UUID, id: UUID, _ signers: [String: String], on connection: PostgresConnection,
                                     logger: Logger) async throws {
        guard !signers.isEmpty else { return }
        let json = String(decoding: try JSONCoding.encoder.encode(signers), as: UTF8.self)
        try await connection.query("""
            UPDATE contract_signers s SET
                status = x.status,
                last_sent_at = CASE WHEN x.status = 'sent' AND s.status = 'pending' THEN now() ELSE s.last_sent_at END,
                signed_at = CASE WHEN x.status = 'signed' THEN COALESCE(s.signed_at, now()) ELSE s.signed_at END,
                declined_at = CASE WHEN x.status = 'declined' THEN COALESCE(s.declined_at, now()) ELSE s.declined_at END,
                updated_at = now()
            FROM jsonb_each_text(\(json)::jsonb) AS x(email, status)
            WHERE s.company_id = \(companyID) AND s.contract_id = \(id) AND s.email = x.email AND s.status IS DISTINCT FROM x.status
            """, logger: logger)
    }

    /// A refresh that could not reach the provider: the stored state stands, the reason is kept.
    static func recordSyncError(companyID: UUID, id: UUID, reason: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            UPDATE contracts SET signature_error = \(reason) WHERE company_id = \(companyID) AND id = \(id)
            """, logger: logger)
    }

    /// An agreement past its `expiresAt` that nobody finished.
    static func expireIfDue(companyID: UUID, id: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            UPDATE contracts SET status = 'expired', updated_at = now()
            WHERE company_id = \(companyID) AND id = \(id) AND status IN ('sent', 'partially_signed')
              AND expires_at IS NOT NULL AND expires_at <= now()
            """, logger: logger)
    }

    // MARK: Document data

    /// Everything the document shows, read in a fixed number of queries: the contract, its booking
    /// (with space names), its deal, and the venue — the booking's venue, else the company's first.
    func renderData(_ record: ContractRecord) async throws -> ContractRenderData {
        let companyID = record.contract.companyId
        var booking: ContractRenderData.BookingSummary?
        var venueID: UUID?
        if let bookingID = record.contract.bookingId,
           let row = try await database.query("""
               SELECT title, status, starts_at, ends_at FROM bookings WHERE company_id = \(companyID) AND id = \(bookingID)
               """).first({ try $0.decode((String?, String, Date, Date).self) }) {
            let spaces = try await database.query("""
                SELECT s.name, s.venue_id FROM booking_spaces bs
                JOIN spaces s ON s.company_id = bs.company_id AND s.id = bs.space_id
                WHERE bs.company_id = \(companyID) AND bs.booking_id = \(bookingID)
                ORDER BY s.name
                """).collect { try $0.decode((String, UUID).self) }
            venueID = spaces.first?.1
            booking = .init(title: row.0, status: row.1, startAt: row.2, endAt: row.3, spaceNames: spaces.map(\.0))
        }
        var deal: Deal?
        if let dealID = record.contract.dealId {
            deal = try await database.query("""
                SELECT \(unescaped: DealsRepository.columns) FROM deals d WHERE d.company_id = \(companyID) AND d.id = \(dealID)
                """).first(DealsRepository.decode)
        }
        let venue = try await database.query("""
            SELECT name, address_line1, address_line2, postal_code, city, region, country, timezone, contact_email, contact_phone
            FROM venues
            WHERE company_id = \(companyID) AND deleted_at IS NULL
            ORDER BY (id = \(venueID)) IS TRUE DESC, created_at, id
            LIMIT 1
            """).first { row -> ContractRenderData.VenueSummary in
                let c = Columns(row)
                return .init(name: try c("name"), addressLine1: try c("address_line1"), addressLine2: try c("address_line2"),
                             postalCode: try c("postal_code"), city: try c("city"), region: try c("region"), country: try c("country"),
                             timezone: try c("timezone"), contactEmail: try c("contact_email"), contactPhone: try c("contact_phone"))
            }
        return ContractRenderData(contract: record.contract, venue: venue, booking: booking, deal: deal)
    }
}

/// The inputs of a contract document.
struct ContractRenderData: Sendable {
    struct VenueSummary: Sendable {
        var name: String
        var addressLine1: String?
        var addressLine2: String?
        var postalCode: String?
        var city: String?
        var region: String?
        var country: String?
        var timezone: String?
        var contactEmail: String?
        var contactPhone: String?
    }

    struct BookingSummary: Sendable {
        var title: String?
        var status: String
        var startAt: Date
        var endAt: Date
        var spaceNames: [String]
    }

    var contract: Contract
    var venue: VenueSummary?
    var booking: BookingSummary?
    var deal: Deal?
}
