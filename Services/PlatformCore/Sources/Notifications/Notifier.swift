import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PlatformCoreAPI
import PostgresNIO

/// Produces notifications inside the caller's transaction, so a notification exists exactly when the change
/// it reports commits (Platform Core's own producers: invitations, role changes, removal) — and for the
/// other services through `POST /internal/notifications`.
///
/// Per recipient: muted → nothing; in-app on → an inbox row (and the user's open streams are woken at
/// commit); e-mail on and delivery mode `instant` → an e-mail through the outbox; e-mail on and mode `digest` →
/// a line of the person's next digest (`NotificationDigests`).
struct Notifier: Sendable {
    let logger: Logger
    let emails: EmailComposer

    struct Draft: Sendable {
        var type: String
        var title: String
        var body: String?
        var data: JSONValue?
        var actionURL: String?
        var source: String = "platform-core"
        var dedupeKey: String?
    }

    /// Who may receive it: the other services reach active members only; Platform Core's own producers
    /// address the person concerned whatever their membership (an invitee, a removed member).
    enum Audience: Sendable {
        case activeMembers
        case concernedPeople
    }

    var repository: NotificationDeliveryRepository { NotificationDeliveryRepository(logger: logger) }

    func send(_ draft: Draft, to userIDs: [UUID], workspaceID: UUID, audience: Audience,
              on connection: PostgresConnection) async throws -> NotificationDelivery {
        guard let type = NotificationCatalog.find(draft.type) else {
            throw APIError.validation(field: "type", code: "unknown_event_type", message: "\(draft.type) is not a notification type.")
        }
        var seen = Set<UUID>()
        let unique = userIDs.filter { seen.insert($0).inserted }
        let found = try await repository.recipients(workspaceID: workspaceID, userIDs: unique, eventType: type.key,
                                                    defaultInApp: type.inApp, defaultEmail: type.email, on: connection)
        let byID = Dictionary(found.map { ($0.userID, $0) }, uniquingKeysWith: { a, _ in a })
        var skipped: [NotificationDelivery.Skipped] = []
        var chosen: [NotificationDeliveryRepository.Recipient] = []
        for id in unique {
            guard let recipient = byID[id],
                  audience == .concernedPeople || recipient.membershipStatus == "active" else {
                skipped.append(.init(userId: id, reason: "not_a_member"))
                continue
            }
            if recipient.accountStatus == "disabled" {
                skipped.append(.init(userId: id, reason: "account_disabled"))
            } else if recipient.muted {
                skipped.append(.init(userId: id, reason: "muted"))
            } else if !recipient.inApp && !(recipient.emailEnabled && recipient.deliveryMode == "instant") {
                skipped.append(.init(userId: id, reason: "disabled"))
            } else {
                chosen.append(recipient)
            }
        }
        if let key = draft.dedupeKey, !chosen.isEmpty {
            let done = try await repository.alreadyDelivered(workspaceID: workspaceID, userIDs: chosen.map(\.userID), dedupeKey: key,
                                                             on: connection)
            skipped += chosen.filter { done.contains($0.userID) }.map { .init(userId: $0.userID, reason: "duplicate") }
            chosen.removeAll { done.contains($0.userID) }
        }
        let inbox = chosen.filter(\.inApp).map(\.userID)
        try await repository.lockStreams(of: inbox, on: connection)
        let rows = try await repository.insert(
            workspaceID: workspaceID, userIDs: inbox, type: type.key, title: draft.title, body: draft.body,
            data: try SQLText.json(draft.data ?? .object([:])) ?? "{}", actionURL: draft.actionURL, source: draft.source,
            dedupeKey: draft.dedupeKey, on: connection)
        let created = Dictionary(rows, uniquingKeysWith: { a, _ in a })
        try await repository.announceNew(userIDs: Array(created.keys), on: connection)

        var delivered: [NotificationDelivery.Delivered] = []
        for recipient in chosen {
            let emailed = recipient.emailEnabled && recipient.deliveryMode == "instant"
            if emailed {
                let key = draft.dedupeKey.map { "notification-email:\(workspaceID.uuidString.lowercased()):\(recipient.userID.uuidString.lowercased()):\($0)" }
                    ?? "notification-email:\(UUID().uuidString.lowercased())"
                try await Outbox.enqueue(on: connection, topic: EmailOutbox.topic, companyID: workspaceID,
                                         payload: emails.notification(to: recipient.email, name: recipient.name, title: draft.title,
                                                                      body: draft.body, actionURL: draft.actionURL),
                                         idempotencyKey: key, logger: logger)
            }
            delivered.append(.init(userId: recipient.userID, notificationId: created[recipient.userID], emailed: emailed))
        }
        let digested = chosen.filter { $0.emailEnabled && $0.deliveryMode == "digest" }.map(\.userID)
        try await NotificationDigestRepository(logger: logger).add(workspaceID: workspaceID, userIDs: digested, title: draft.title,
                                                                   body: draft.body, actionURL: draft.actionURL, on: connection)
        return NotificationDelivery(delivered: delivered, skipped: skipped)
    }

    /// Platform Core's own producers: one person, no answer needed. The type is the catalog's.
    func notify(_ userID: UUID, in workspaceID: UUID, _ draft: Draft, on connection: PostgresConnection) async throws {
        _ = try await send(draft, to: [userID], workspaceID: workspaceID, audience: .concernedPeople, on: connection)
    }
}

extension EmailComposer {
    /// A notification as an e-mail: its title, its text, the link to act on it, and where to change the settings.
    func notification(to email: String, name: String?, title: String, body: String?, actionURL: String?) -> EmailMessage {
        let settings = link("/settings/notifications", [])
        var text = "Hello\(name.map { " \($0)" } ?? ""),\n\n\(title)\n"
        if let body, !body.isEmpty { text += "\n\(body)\n" }
        if let actionURL { text += "\nOpen: \(actionURL)\n" }
        text += "\nYou receive this e-mail because of your notification settings: \(settings)\n"
        var links = ["settings": settings]
        if let actionURL { links["action"] = actionURL }
        return EmailMessage(to: email, subject: title, text: text, kind: "notification", links: links)
    }
}
