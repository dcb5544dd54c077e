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
        let (rows, total) = try await database.page(query, columns: Self.columns, orderBy: "ORDER BY c.created_at DESC, c.id", page: page,
                                                      decode: Self.decode)
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
                return try await Self.reload(companyID: companyID, id: record.contract.id, on: connection, logger: logger).orNotFound("contract").contract
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
}
