import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Files attached to an agreement, by kind (`agreement_assets`, 0011). Writes lock the agreement row first, so
/// the per-kind limit and positions hold under concurrent uploads.
struct AgreementAssetsRepository: Sendable {
    let database: Database

    static let columns = """
        a.id, a.agreement_id, a.kind, a.position, a.file_name, a.description, a.content_type, a.size_bytes, a.sha256, a.uploaded_by,
        a.created_at, a.updated_at
        """

    static func decode(_ row: PostgresRow) throws -> AgreementAsset {
        let c = Columns(row)
        let id: UUID = try c("id")
        let agreementID: UUID = try c("agreement_id")
        let kind: String = try c("kind")
        return AgreementAsset(
            id: id, agreementId: agreementID, kind: kind, position: try c("position"), fileName: try c("file_name"),
            description: try c("description"), contentType: try c("content_type"), sizeBytes: try c("size_bytes"), sha256: try c("sha256"),
            downloadUrl: "/api/agreements/\(agreementID.uuidString.lowercased())/\(kind)/\(id.uuidString.lowercased())",
            uploadedBy: try c("uploaded_by"), createdAt: try c("created_at"), updatedAt: try c("updated_at"))
    }

    /// The kind's files in their order; nil when the company has no such agreement.
    func list(companyID: UUID, agreementID: UUID, kind: String, page: PageRequest) async throws -> (items: [AgreementAsset], total: Int)? {
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM agreement_assets a
            WHERE a.company_id = \(companyID) AND a.agreement_id = \(agreementID) AND a.kind = \(kind)
            \(unescaped: suffix)
            """
        }
        let result = try await database.page(query, columns: Self.columns, orderBy: "ORDER BY a.position, a.created_at, a.id", page: page,
                                             decode: Self.decode)
        // Only an empty answer needs to tell "no files" from "no such agreement here".
        if result.total == 0, try await !exists(companyID: companyID, agreementID: agreementID) { return nil }
        return result
    }

    private func exists(companyID: UUID, agreementID: UUID) async throws -> Bool {
        try await database.query("SELECT 1 FROM agreements WHERE company_id = \(companyID) AND id = \(agreementID)").first { _ in true } ?? false
    }

    struct Upload: Sendable {
        var kind: String
        var fileName: String
        var description: String?
        var contentType: String
        var bytes: Data
    }

    /// Adds a file at the end of its kind; nil when the company has no such agreement. A cancelled agreement takes no
    /// files (409 `agreement_cancelled`), a full kind none either (409 `too_many_assets`).
    func add(companyID: UUID, agreementID: UUID, userID: UUID, _ upload: Upload) async throws -> AgreementAsset? {
        let logger = database.logger
        return try await database.transaction { connection -> AgreementAsset? in
            guard let status = try await Self.lockAgreement(connection, companyID: companyID, agreementID: agreementID, logger) else { return nil }
            guard status != "cancelled" else {
                throw APIError.conflict("agreement_cancelled", "A cancelled agreement takes no more files.")
            }
            let (count, last) = try await connection.query("""
                SELECT count(*)::int, COALESCE(max(position), 0) FROM agreement_assets
                WHERE company_id = \(companyID) AND agreement_id = \(agreementID) AND kind = \(upload.kind)
                """, logger: logger).first { try $0.decode((Int, Int).self) } ?? (0, 0)
            guard count < AgreementAssetKind.maxPerKind else {
                throw APIError.conflict("too_many_assets", "An agreement holds at most \(AgreementAssetKind.maxPerKind) files of one kind.",
                                        info: ["kind": .string(upload.kind)])
            }
            return try await connection.query("""
                INSERT INTO agreement_assets AS a (company_id, agreement_id, kind, position, file_name, description, content_type, size_bytes,
                                                   sha256, bytes, uploaded_by)
                SELECT \(companyID), \(agreementID), \(upload.kind), \(min(last + 1, 1000)), \(upload.fileName), \(upload.description),
                       \(upload.contentType), octet_length(v.bytes), encode(sha256(v.bytes), 'hex'), v.bytes, \(userID)
                FROM (SELECT \(upload.bytes)::bytea AS bytes) v
                RETURNING \(unescaped: Self.columns)
                """, logger: logger).first(Self.decode)
        }
    }

    /// Makes the kind's files exactly `items`, in their order: the others are deleted, the listed ones renamed
    /// (a name left out keeps the current one) and described (a description left out is cleared). Nil when the
    /// company has no such agreement; 422 naming the entry when an id is not one of the kind's files.
    func replace(companyID: UUID, agreementID: UUID, kind: String, _ items: [ReplaceAgreementAssets.Item]) async throws -> [AgreementAsset]? {
        let logger = database.logger
        return try await database.transaction { connection -> [AgreementAsset]? in
            guard let status = try await Self.lockAgreement(connection, companyID: companyID, agreementID: agreementID, logger) else { return nil }
            guard status != "cancelled" || items.isEmpty else {
                throw APIError.conflict("agreement_cancelled", "A cancelled agreement's files can only be removed.")
            }
            let existing = try await connection.query("""
                SELECT id FROM agreement_assets WHERE company_id = \(companyID) AND agreement_id = \(agreementID) AND kind = \(kind)
                """, logger: logger).collect { try $0.decode(UUID.self) }
            let known = Set(existing)
            let unknown = items.enumerated().filter { !known.contains($0.element.id ?? UUID()) }
            guard unknown.isEmpty else {
                throw APIError.validation(unknown.map {
                    FieldIssue(field: "assets[\($0.offset)].id", code: "not_found", message: "No \(kind) file of this agreement with this id.")
                })
            }
            let ids = items.compactMap(\.id)
            // Arrays of text cannot carry NULL through the bind: "" stands for "keep the name" / "no description".
            let names = items.map { $0.fileName.map { AssetFileType.cleanName($0) } ?? "" }
            let descriptions = items.map { $0.description?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "" }
            try await connection.query("""
                DELETE FROM agreement_assets
                WHERE company_id = \(companyID) AND agreement_id = \(agreementID) AND kind = \(kind) AND NOT (id = ANY(\(ids)::uuid[]))
                """, logger: logger)
            try await connection.query("""
                UPDATE agreement_assets a SET position = u.position::int, file_name = COALESCE(NULLIF(u.name, ''), a.file_name),
                    description = NULLIF(u.description, ''), updated_at = clock_timestamp()
                FROM unnest(\(ids)::uuid[], \(names)::text[], \(descriptions)::text[]) WITH ORDINALITY AS u(id, name, description, position)
                WHERE a.company_id = \(companyID) AND a.agreement_id = \(agreementID) AND a.kind = \(kind) AND a.id = u.id
                """, logger: logger)
            return try await connection.query("""
                SELECT \(unescaped: Self.columns) FROM agreement_assets a
                WHERE a.company_id = \(companyID) AND a.agreement_id = \(agreementID) AND a.kind = \(kind)
                ORDER BY a.position, a.created_at, a.id
                """, logger: logger).collect(Self.decode)
        }
    }

    enum Download {
        case noAgreement
        case noAsset
        case file(fileName: String, contentType: String, sha256: String, bytes: ByteBuffer)
    }

    func download(companyID: UUID, agreementID: UUID, kind: String, assetID: UUID) async throws -> Download {
        let row = try await database.query("""
            SELECT a.file_name, a.content_type, a.sha256, a.bytes
            FROM agreements g
            LEFT JOIN agreement_assets a ON a.company_id = g.company_id AND a.agreement_id = g.id AND a.kind = \(kind) AND a.id = \(assetID)
            WHERE g.company_id = \(companyID) AND g.id = \(agreementID)
            """).first { try $0.decode((String?, String?, String?, ByteBuffer?).self) }
        guard let row else { return .noAgreement }
        guard let name = row.0, let type = row.1, let sha = row.2, let bytes = row.3 else { return .noAsset }
        return .file(fileName: name, contentType: type, sha256: sha, bytes: bytes)
    }

    /// The agreement's status under a row lock; nil when the company has no such agreement.
    private static func lockAgreement(_ connection: PostgresConnection, companyID: UUID, agreementID: UUID, _ logger: Logger) async throws -> String? {
        try await connection.query("""
            SELECT status FROM agreements WHERE company_id = \(companyID) AND id = \(agreementID) FOR UPDATE
            """, logger: logger).first { try $0.decode(String.self) }
    }
}
