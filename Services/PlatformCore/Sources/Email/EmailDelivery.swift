import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Delivers `email` outbox messages over SMTP, then erases the body and links from the outbox row:
/// once the mail is out, the database should not keep working activation or reset links around.
struct SMTPEmailHandler: OutboxHandler {
    let transport: any MailTransport
    let from: String
    let database: Database

    func deliver(_ message: OutboxMessage) async throws {
        let email = try message.decode(EmailMessage.self)
        // Already sent (the body was erased) but not marked delivered: do not send an empty copy.
        if email.text.isEmpty && email.links.isEmpty { return }
        do {
            try await transport.send(email, from: from)
        } catch MailError.rejected(let code, let reason) {
            throw PermanentDeliveryFailure("SMTP \(code): \(reason)")
        }
        try await OutboxEmailRepository(database: database, smtpConfigured: true).eraseContent(of: message.id)
    }
}

/// Local mode (no SMTP_URL): the message stays readable in the outbox — `GET /internal/outbox/emails`
/// shows it with its links — and is marked delivered so that configuring SMTP later does not send a
/// backlog of stale development mail.
struct LocalMailboxHandler: OutboxHandler {
    let logger: Logger

    func deliver(_ message: OutboxMessage) async throws {
        let email = try message.decode(EmailMessage.self)
        // Recipient and kind only: the text holds live links.
        logger.info("e-mail kept in the local outbox", metadata: [
            "outbox_id": .string(message.id.uuidString.lowercased()), "kind": .string(email.kind),
        ])
    }
}

/// An outbox e-mail as the internal mailbox route shows it.
public struct OutboxEmail: ResponseEncodable, Sendable {
    public var id: UUID
    public var workspaceId: UUID?
    public var to: String
    public var subject: String
    public var text: String
    public var kind: String
    public var links: [String: String]
    /// `pending`, `delivered` (SMTP), `kept_locally` (no SMTP configured) or `failed`.
    public var status: String
    public var attempts: Int
    public var lastError: String?
    public var createdAt: Date
    public var deliveredAt: Date?
}

public struct OutboxEmailList: ResponseEncodable, Sendable {
    public var items: [OutboxEmail]
    public var total: Int
    public var deliveryMode: String
}
