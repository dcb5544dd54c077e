import Foundation
import KisumKernel
import KisumPersistence
import Logging

/// Digest e-mails: the notification e-mails of people in digest mode, gathered by `Notifier.send` into
/// `notification_digest_items` and sent here as one e-mail per person and workspace once their period (30 or 60
/// minutes) has passed. A queue of the job worker, looking at most every `interval`. Each person is one transaction:
/// the e-mail enters the outbox and the items leave together, so a crash sends a digest once or not yet, never twice.
final class NotificationDigests: Sendable {
    let database: Database
    let emails: EmailComposer
    let throttle: QueueThrottle

    init(database: Database, emails: EmailComposer, interval: Duration = .seconds(60)) {
        self.database = database
        self.emails = emails
        self.throttle = QueueThrottle(interval: interval)
    }

    var repository: NotificationDigestRepository { NotificationDigestRepository(logger: database.logger) }

    /// The worker's queue: a pass when one is due; never reports work, so the worker keeps its idle pace.
    func runIfDue() async throws -> Bool {
        if throttle.due() { _ = try await pass() }
        return false
    }

    /// Sends every digest that is due; answers how many e-mails went into the outbox.
    @discardableResult
    func pass() async throws -> Int {
        var sent = 0
        while true {
            let batch = try await database.transaction { connection -> Int? in
                guard let person = try await repository.due(limit: 1, on: connection).first else { return nil }
                guard let found = try await repository.items(of: person, limit: 100, on: connection), !found.items.isEmpty else {
                    try await repository.finish(person, through: nil, on: connection)
                    return 0
                }
                let lastID = found.items.last?.id
                try await Outbox.enqueue(
                    on: connection, topic: EmailOutbox.topic, companyID: person.workspaceID,
                    payload: emails.digest(to: found.email, name: found.name, workspace: found.workspace, items: found.items),
                    idempotencyKey: "notification-digest:\(person.workspaceID.uuidString.lowercased()):\(person.userID.uuidString.lowercased()):\(lastID ?? 0)",
                    logger: database.logger)
                try await repository.finish(person, through: lastID, on: connection)
                return 1
            }
            guard let batch else { return sent }
            sent += batch
        }
    }
}

extension EmailComposer {
    /// Several notifications as one e-mail: each title, its text and link, then where to change the settings.
    func digest(to email: String, name: String?, workspace: String, items: [NotificationDigestRepository.Item]) -> EmailMessage {
        let settings = link("/settings/notifications", [])
        var text = "Hello\(name.map { " \($0)" } ?? ""),\n\nWhat happened in \(workspace):\n"
        for item in items {
            text += "\n- \(item.title)\n"
            if let body = item.body, !body.isEmpty { text += "  \(body)\n" }
            if let action = item.actionURL { text += "  Open: \(action)\n" }
        }
        text += "\nYou receive this digest because of your notification settings: \(settings)\n"
        let subject = items.count == 1 ? "1 notification in \(workspace)" : "\(items.count) notifications in \(workspace)"
        return EmailMessage(to: email, subject: subject, text: text, kind: "notification_digest", links: ["settings": settings])
    }
}
