import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Agreements (migration 0011). Writes lock the agreement row (`FOR UPDATE`) so a status change, a PDF being
/// stored and an upload never interleave; the one-live-agreement-per-offer rule is a partial unique index.
struct AgreementsRepository: Sendable {
    let database: Database

    static let columns = """
        g.id, g.offer_id, g.event_id, g.artist_id, ar.name AS artist_name, g.status, g.title, g.notes, g.event_date::text AS event_date,
        g.venue_name, g.city, g.currency::text AS currency, g.terms::text AS terms, octet_length(g.pdf) AS pdf_size, g.pdf_sha256,
        g.pdf_generated_at, g.version, g.created_by, g.created_at, g.updated_at
        """
    static let joins = "JOIN artists ar ON ar.company_id = g.company_id AND ar.id = g.artist_id"

    static let constraints = ConstraintMessages([
        "agreements_one_per_offer": .conflict("agreement_exists", "The offer already has an agreement; cancel it to make a new one."),
        "agreements_offer_fk": .validation(field: "offerId", code: "not_found", message: "No offer with this id in this company."),
    ])

    static func decode(_ row: PostgresRow) throws -> Agreement {
        let c = Columns(row)
        let id: UUID = try c("id")
        var pdf: AgreementPdfInfo?
        if let size: Int = try c("pdf_size"), let sha: String = try c("pdf_sha256"), let at: Date = try c("pdf_generated_at") {
            pdf = AgreementPdfInfo(sizeBytes: size, sha256: sha, generatedAt: at, downloadUrl: "/api/agreements/\(id.uuidString.lowercased())/pdf")
        }
        return Agreement(
            id: id, offerId: try c("offer_id"), eventId: try c("event_id"), artistId: try c("artist_id"), artistName: try c("artist_name"),
            status: try c("status"), title: try c("title"), notes: try c("notes"), eventDate: try c("event_date"), venueName: try c("venue_name"),
            city: try c("city"), currency: try c("currency"), terms: try c.json("terms"), pdf: pdf, version: try c("version"),
            createdBy: try c("created_by"), createdAt: try c("created_at"), updatedAt: try c("updated_at"))
    }

    // MARK: Reads

    /// Every order ends in the id, so pages never overlap.
    static func orderBy(_ f: AgreementFilter) -> String {
        switch f.sort {
        case "eventDate": return "ORDER BY g.event_date, g.created_at, g.id"
        case "-eventDate": return "ORDER BY g.event_date DESC, g.created_at DESC, g.id"
        case "createdAt": return "ORDER BY g.created_at, g.id"
        case "title": return "ORDER BY lower(g.title), g.id"
        case "-title": return "ORDER BY lower(g.title) DESC, g.id"
        default: return "ORDER BY g.created_at DESC, g.id"
        }
    }

    func list(companyID: UUID, _ f: AgreementFilter, page: PageRequest) async throws -> (items: [Agreement], total: Int) {
        let pattern = SQLPattern.contains(f.search)
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM agreements g \(unescaped: Self.joins)
            WHERE g.company_id = \(companyID)
              AND (\(f.status)::text IS NULL OR g.status = \(f.status))
              AND (\(f.artistID)::uuid IS NULL OR g.artist_id = \(f.artistID))
              AND (\(f.offerID)::uuid IS NULL OR g.offer_id = \(f.offerID))
              AND (\(f.eventID)::uuid IS NULL OR g.event_id = \(f.eventID))
              AND (\(f.from)::date IS NULL OR g.event_date >= \(f.from)::date)
              AND (\(f.to)::date IS NULL OR g.event_date <= \(f.to)::date)
              AND (\(pattern)::text IS NULL OR g.title ILIKE \(pattern) OR ar.name ILIKE \(pattern))
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns, orderBy: Self.orderBy(f), page: page, decode: Self.decode)
    }

    func get(companyID: UUID, id: UUID) async throws -> Agreement? {
        try await database.query("""
            SELECT \(unescaped: Self.columns) FROM agreements g \(unescaped: Self.joins) WHERE g.company_id = \(companyID) AND g.id = \(id)
            """).first(Self.decode)
    }

    func exists(companyID: UUID, id: UUID) async throws -> Bool {
        try await database.query("SELECT 1 FROM agreements WHERE company_id = \(companyID) AND id = \(id)").first { _ in true } ?? false
    }

    /// The stored PDF: nil when the company has no such agreement, `.none` inside when it has no document.
    func pdf(companyID: UUID, id: UUID) async throws -> (title: String, sha256: String?, bytes: ByteBuffer?)? {
        try await database.query("""
            SELECT title, pdf_sha256, pdf FROM agreements WHERE company_id = \(companyID) AND id = \(id)
            """).first { try $0.decode((String, String?, ByteBuffer?).self) }
    }

    // MARK: Writes

    /// A new draft from an accepted offer, snapshotting its terms; 422 when the company has no such offer,
    /// 409 `offer_not_accepted` before acceptance, 409 `agreement_exists` when it has a live agreement.
    func create(companyID: UUID, userID: UUID, _ body: CreateAgreement) async throws -> Agreement {
        let logger = database.logger
        let title = body.title?.trimmingCharacters(in: .whitespacesAndNewlines)
        let notes = body.notes?.trimmingCharacters(in: .whitespacesAndNewlines)
        let id = try await Self.constraints.map {
            try await database.transaction { connection -> UUID in
                // The offer's row lock serializes creates for one offer, so the second one sees the first's agreement.
                guard let status = try await connection.query("""
                    SELECT status FROM offers WHERE company_id = \(companyID) AND id = \(body.offerId) FOR UPDATE
                    """, logger: logger).first({ try $0.decode(String.self) }) else {
                    throw APIError.validation(field: "offerId", code: "not_found", message: "No offer with this id in this company.")
                }
                guard AgreementStatus.agreeableOfferStatuses.contains(status) else {
                    throw APIError.conflict("offer_not_accepted", "Only an accepted offer becomes an agreement; this one is \(status).",
                                            info: ["status": .string(status)])
                }
                if let existing = try await connection.query("""
                    SELECT id FROM agreements WHERE company_id = \(companyID) AND offer_id = \(body.offerId) AND status <> 'cancelled'
                    """, logger: logger).first({ try $0.decode(UUID.self) }) {
                    throw APIError.conflict("agreement_exists", "The offer already has an agreement; cancel it to make a new one.",
                                            info: ["agreementId": .uuid(existing)])
                }
                return try await connection.query("""
                    INSERT INTO agreements (company_id, offer_id, event_id, artist_id, title, notes, event_date, venue_name, city, currency,
                                            terms, created_by)
                    SELECT o.company_id, o.id, o.event_id, o.artist_id, COALESCE(\(title), left(ar.name || ' – ' || o.event_date::text, 200)),
                           \(notes), o.event_date, o.venue_name, o.city, o.currency,
                           jsonb_build_object('deal', o.deal, 'scenario', o.scenario), \(userID)
                    FROM offers o JOIN artists ar ON ar.company_id = o.company_id AND ar.id = o.artist_id
                    WHERE o.company_id = \(companyID) AND o.id = \(body.offerId)
                    RETURNING id
                    """, logger: logger).first { try $0.decode(UUID.self) }.orNotFound("offer")
            }
        }
        return try await get(companyID: companyID, id: id).orNotFound("agreement")
    }

    /// Full replacement of title, notes and status under the client's `version`. Cancelling deletes the PDF.
    func replace(companyID: UUID, id: UUID, _ body: ReplaceAgreement) async throws -> Agreement? {
        let logger = database.logger
        let title = body.title?.trimmingCharacters(in: .whitespacesAndNewlines)
        let notes = body.notes?.trimmingCharacters(in: .whitespacesAndNewlines)
        let updated = try await database.transaction { connection -> Bool in
            guard let (status, version) = try await connection.query("""
                SELECT status, version FROM agreements WHERE company_id = \(companyID) AND id = \(id) FOR UPDATE
                """, logger: logger).first({ try $0.decode((String, Int).self) }) else { return false }
            guard body.version == version else {
                throw APIError.conflict("version_conflict", "The agreement was changed since version \(body.version ?? 0); read it again.",
                                        info: ["currentVersion": .number(Double(version))])
            }
            let newStatus = body.status ?? status
            try AgreementStatus.check(from: status, to: newStatus)
            try await connection.query("""
                UPDATE agreements SET title = \(title), notes = \(notes), status = \(newStatus), version = version + 1,
                    pdf = CASE WHEN \(newStatus) = 'cancelled' THEN NULL ELSE pdf END,
                    pdf_sha256 = CASE WHEN \(newStatus) = 'cancelled' THEN NULL ELSE pdf_sha256 END,
                    pdf_generated_at = CASE WHEN \(newStatus) = 'cancelled' THEN NULL ELSE pdf_generated_at END,
                    updated_at = clock_timestamp()
                WHERE company_id = \(companyID) AND id = \(id)
                """, logger: logger)
            return true
        }
        return updated ? try await get(companyID: companyID, id: id) : nil
    }

    // MARK: The PDF of an offer's agreement

    enum OfferAgreement {
        case noOffer
        case noAgreement
        case agreement(Agreement, DealDocumentSource)
    }

    /// The live agreement of an offer with what its document is made from (the company's own profile name when set).
    func documentSource(companyID: UUID, offerID: UUID) async throws -> OfferAgreement {
        let row = try await database.query("""
            SELECT o.id AS offer, \(unescaped: Self.columns), (g.terms->'deal')::text AS deal, (g.terms->'scenario')::text AS scenario,
                   (SELECT c.name FROM companies c WHERE c.company_id = o.company_id AND c.is_current) AS company_name
            FROM offers o
            LEFT JOIN agreements g ON g.company_id = o.company_id AND g.offer_id = o.id AND g.status <> 'cancelled'
            LEFT JOIN artists ar ON ar.company_id = g.company_id AND ar.id = g.artist_id
            WHERE o.company_id = \(companyID) AND o.id = \(offerID)
            """).first { row -> OfferAgreement in
                let c = Columns(row)
                guard try c("id", as: UUID?.self) != nil else { return .noAgreement }
                let agreement = try Self.decode(row)
                let source = DealDocumentSource(
                    id: agreement.id, status: agreement.status, version: agreement.version, artistName: agreement.artistName,
                    companyName: try c("company_name"), eventDate: agreement.eventDate, venueName: agreement.venueName, city: agreement.city,
                    currency: agreement.currency, dealJSON: try c("deal"), scenarioJSON: try c("scenario"), title: agreement.title)
                return .agreement(agreement, source)
            }
        return row ?? .noOffer
    }

    /// Stores the rendered document if the agreement is still the version it was rendered from and not signed or
    /// cancelled meanwhile; the SHA-256 is computed by the database from the stored bytes. Nil when it changed.
    func storePdf(companyID: UUID, id: UUID, renderedFrom version: Int, bytes: [UInt8], generatedAt: Date) async throws -> Agreement? {
        let buffer = ByteBuffer(bytes: bytes)
        let stored = try await database.query("""
            UPDATE agreements SET pdf = \(buffer)::bytea, pdf_sha256 = encode(sha256(\(buffer)::bytea), 'hex'),
                pdf_generated_at = \(generatedAt), updated_at = clock_timestamp()
            WHERE company_id = \(companyID) AND id = \(id) AND version = \(version) AND status IN ('draft', 'sent')
            RETURNING id
            """).first { try $0.decode(UUID.self) }
        guard stored != nil else { return nil }
        return try await get(companyID: companyID, id: id)
    }

    enum PdfDeletion {
        case noOffer, noAgreement, noPdf, signed, deleted
    }

    /// Deletes the stored PDF of the offer's live agreement (a signed agreement keeps the document it was signed on).
    func deletePdf(companyID: UUID, offerID: UUID) async throws -> PdfDeletion {
        let logger = database.logger
        return try await database.transaction { connection -> PdfDeletion in
            guard try await connection.query("""
                SELECT 1 FROM offers WHERE company_id = \(companyID) AND id = \(offerID)
                """, logger: logger).first({ _ in true }) != nil else { return .noOffer }
            guard let (id, status, hasPdf) = try await connection.query("""
                SELECT id, status, pdf IS NOT NULL FROM agreements
                WHERE company_id = \(companyID) AND offer_id = \(offerID) AND status <> 'cancelled'
                FOR UPDATE
                """, logger: logger).first({ try $0.decode((UUID, String, Bool).self) }) else { return .noAgreement }
            guard hasPdf else { return .noPdf }
            guard status != "signed" else { return .signed }
            try await connection.query("""
                UPDATE agreements SET pdf = NULL, pdf_sha256 = NULL, pdf_generated_at = NULL, updated_at = clock_timestamp()
                WHERE company_id = \(companyID) AND id = \(id)
                """, logger: logger)
            return .deleted
        }
    }
}
