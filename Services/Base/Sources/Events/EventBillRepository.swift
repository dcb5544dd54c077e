import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// An event's bill and documents. Every write logs its `event_activity` row in the same transaction.
struct EventBillRepository: Sendable {
    let database: Database

    // MARK: Bill

    /// The bill in billing order; nil when the company has no such event (one statement: the event row anchors it).
    func artists(companyID: UUID, eventID: UUID) async throws -> [EventArtist]? {
        try await database.query("""
            SELECT b.bill::text FROM events e \(unescaped: EventsRepository.billJoin) WHERE e.company_id = \(companyID) AND e.id = \(eventID)
            """).first { row -> [EventArtist] in
            try row.decode(String?.self).map { try EventsRepository.billDecoder.decode([EventArtist].self, from: Data($0.utf8)) } ?? []
        }
    }

    /// Adds the artist to the bill (409 `artist_on_bill` when there already); nil when there is no such event.
    func add(companyID: UUID, eventID: UUID, userID: UUID, _ body: EventArtistInput) async throws -> EventArtist? {
        let logger = database.logger
        return try await EventWritesRepository.constraints.map {
            try await database.transaction { connection -> EventArtist? in
                guard try await Self.lockEvent(connection, companyID: companyID, eventID: eventID, logger) else { return nil }
                let added = try await EventWritesRepository.addArtist(connection, companyID: companyID, eventID: eventID, userID: userID, body,
                                                                      defaultOrder: nil, logger)
                guard let added else { throw APIError.internalError }
                try await EventWritesRepository.log(connection, companyID: companyID, eventID: eventID, userID: userID, action: "artist_added",
                                                    changes: Self.billChange(added), logger)
                return added
            }
        }
    }

    /// Removes the artist from the bill: `.noEvent` / `.notOnBill` tell the two 404s apart.
    func remove(companyID: UUID, eventID: UUID, artistID: UUID, userID: UUID) async throws -> RemoveOutcome {
        let logger = database.logger
        return try await database.transaction { connection -> RemoveOutcome in
            guard try await Self.lockEvent(connection, companyID: companyID, eventID: eventID, logger) else { return .noEvent }
            guard let role = try await connection.query("""
                DELETE FROM event_artists WHERE company_id = \(companyID) AND event_id = \(eventID) AND artist_id = \(artistID)
                RETURNING role
                """, logger: logger).first({ try $0.decode(String.self) }) else { return .notFound }
            try await EventWritesRepository.log(connection, companyID: companyID, eventID: eventID, userID: userID, action: "artist_removed",
                                                changes: ["artistId": .string(artistID.uuidString.lowercased()), "role": .string(role)], logger)
            return .removed
        }
    }

    enum RemoveOutcome { case removed, noEvent, notFound }

    static func billChange(_ artist: EventArtist) -> JSONValue {
        ["artistId": .string(artist.artistId.uuidString.lowercased()), "artistName": .string(artist.artistName),
         "role": .string(artist.role), "billingOrder": .number(Double(artist.billingOrder))]
    }

    /// Locks the event row for the write (serializes bill edits with status changes and deletes); false when absent.
    static func lockEvent(_ connection: PostgresConnection, companyID: UUID, eventID: UUID, _ logger: Logger) async throws -> Bool {
        try await connection.query("""
            SELECT 1 FROM events WHERE company_id = \(companyID) AND id = \(eventID) FOR UPDATE
            """, logger: logger).first { _ in true } ?? false
    }

    // MARK: Documents

    static let documentColumns = "d.id, d.event_id, d.file_name, d.content_type, d.size_bytes, d.sha256, d.uploaded_by, d.uploaded_at"

    static func decodeDocument(_ row: PostgresRow) throws -> EventDocument {
        let c = Columns(row)
        return EventDocument(id: try c("id"), eventId: try c("event_id"), fileName: try c("file_name"), contentType: try c("content_type"),
                             sizeBytes: try c("size_bytes"), sha256: try c("sha256"), uploadedBy: try c("uploaded_by"),
                             uploadedAt: try c("uploaded_at"))
    }

    func documents(companyID: UUID, eventID: UUID, page: PageRequest) async throws -> (items: [EventDocument], total: Int) {
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            "SELECT \(unescaped: select) FROM event_documents d WHERE d.company_id = \(companyID) AND d.event_id = \(eventID) \(unescaped: suffix)"
        }
        return try await database.page(query, columns: Self.documentColumns, orderBy: "ORDER BY d.uploaded_at DESC, d.id", page: page,
                                       decode: Self.decodeDocument)
    }

    /// Stores the file; nil when there is no such event.
    func addDocument(companyID: UUID, eventID: UUID, userID: UUID, fileName: String, contentType: String,
                     bytes: Data) async throws -> EventDocument? {
        let logger = database.logger
        return try await database.transaction { connection -> EventDocument? in
            guard try await Self.lockEvent(connection, companyID: companyID, eventID: eventID, logger) else { return nil }
            let document = try await connection.query("""
                WITH v AS (SELECT \(ByteBuffer(bytes: bytes))::bytea AS bytes),
                d AS (
                    INSERT INTO event_documents (company_id, event_id, file_name, content_type, size_bytes, sha256, content, uploaded_by)
                    SELECT \(companyID), \(eventID), \(fileName), \(contentType), octet_length(v.bytes), encode(sha256(v.bytes), 'hex'),
                           v.bytes, \(userID)
                    FROM v
                    RETURNING *)
                SELECT \(unescaped: Self.documentColumns) FROM d
                """, logger: logger).first(Self.decodeDocument)
            guard let document else { throw APIError.internalError }
            try await EventWritesRepository.log(connection, companyID: companyID, eventID: eventID, userID: userID, action: "document_added",
                                                changes: ["documentId": .string(document.id.uuidString.lowercased()),
                                                          "fileName": .string(fileName)], logger)
            return document
        }
    }

    func deleteDocument(companyID: UUID, eventID: UUID, documentID: UUID, userID: UUID) async throws -> Bool {
        let logger = database.logger
        return try await database.transaction { connection -> Bool in
            guard try await Self.lockEvent(connection, companyID: companyID, eventID: eventID, logger) else { return false }
            guard let fileName = try await connection.query("""
                DELETE FROM event_documents WHERE company_id = \(companyID) AND event_id = \(eventID) AND id = \(documentID)
                RETURNING file_name
                """, logger: logger).first({ try $0.decode(String.self) }) else { return false }
            try await EventWritesRepository.log(connection, companyID: companyID, eventID: eventID, userID: userID, action: "document_deleted",
                                                changes: ["documentId": .string(documentID.uuidString.lowercased()),
                                                          "fileName": .string(fileName)], logger)
            return true
        }
    }

    /// The stored file: its name, type and bytes.
    func download(companyID: UUID, eventID: UUID, documentID: UUID) async throws -> (String, String, ByteBuffer)? {
        try await database.query("""
            SELECT file_name, content_type, content FROM event_documents
            WHERE company_id = \(companyID) AND event_id = \(eventID) AND id = \(documentID)
            """).first { try $0.decode((String, String, ByteBuffer).self) }
    }
}
