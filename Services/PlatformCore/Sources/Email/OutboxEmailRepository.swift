import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// The e-mail outbox: reads it (newest first) and erases what a delivered message no longer needs.
struct OutboxEmailRepository: Sendable {
    let database: Database
    let smtpConfigured: Bool

    /// Blanks the text and links of a sent message, so the outbox does not keep working links around.
    func eraseContent(of id: UUID) async throws {
        try await database.query("""
            UPDATE outbox SET payload = payload || '{"text": "", "links": {}}'::jsonb WHERE id = \(id)
            """)
    }

    func list(to recipient: String?, kind: String?, limit: Int) async throws -> OutboxEmailList {
        let recipient = recipient.map(EmailAddress.normalize)
        let rows = try await database.query("""
            SELECT id, company_id, payload::text, attempts, last_error, created_at, delivered_at, dead_at IS NOT NULL,
                   count(*) OVER ()
            FROM outbox
            WHERE topic = 'email'
              AND (\(recipient)::text IS NULL OR lower(payload ->> 'to') = \(recipient))
              AND (\(kind)::text IS NULL OR payload ->> 'kind' = \(kind))
            ORDER BY created_at DESC
            LIMIT \(limit)
            """)
        var total = 0
        var items: [OutboxEmail] = []
        let mode = smtpConfigured ? "smtp" : "local"
        for try await row in rows {
            let (id, company, payload, attempts, lastError, created, delivered, dead, count) =
                try row.decode((UUID, UUID?, String, Int, String?, Date, Date?, Bool, Int).self)
            total = count
            let email = try JSONCoding.decoder.decode(EmailMessage.self, from: Data(payload.utf8))
            let status = dead ? "failed" : delivered == nil ? "pending" : (smtpConfigured ? "delivered" : "kept_locally")
            items.append(OutboxEmail(id: id, workspaceId: company, to: email.to, subject: email.subject, text: email.text,
                                     kind: email.kind, links: email.links, status: status, attempts: attempts,
                                     lastError: lastError, createdAt: created, deliveredAt: delivered))
        }
        return OutboxEmailList(items: items, total: total, deliveryMode: mode)
    }
}
