import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import PlatformCoreAPI

/// The v2 preference shape (one entry per event type: three channels and a mute) and the e-mail delivery mode,
/// for the caller in the request's workspace (`jwt+org`, membership only).
struct NotificationSettingsHandlers {
    let database: Database
    var repository: NotificationPreferenceRepository { NotificationPreferenceRepository(database: database) }

    /// `GET /notifications/preferences/v2`: `{event_type: {inapp_enabled, email_enabled, whatsapp_enabled, muted, …}}`
    /// for every catalog type, defaults filled in.
    @Sendable func get(_ request: Request, context: PlatformRequestContext) async throws -> JSONObjectResponse<[String: EventTypePreference]> {
        let inbox = try NotificationHandlers.inbox(context)
        let stored = try await repository.all(workspaceID: inbox.workspaceID, userID: inbox.userID)
        let entries = NotificationPreferenceHandlers.effective(rows: stored.rows, mutes: stored.mutes)
        return JSONObjectResponse(value: Dictionary(entries.map { ($0.eventType, $0) }, uniquingKeysWith: { a, _ in a }))
    }

    struct V2Body: ValidatableBody {
        var inappEnabled: Bool?
        var emailEnabled: Bool?
        var whatsappEnabled: Bool?
        var muted: Bool?

        func validate(_ v: inout Validator) {
            v.check(inappEnabled != nil || emailEnabled != nil || whatsappEnabled != nil || muted != nil, "inapp_enabled", "required",
                    "Give at least one of inapp_enabled, email_enabled, whatsapp_enabled, muted.")
        }
    }

    /// `PUT /notifications/preferences/v2/{event_type}`: the channels given are stored (the others keep their
    /// value), `muted` sets or lifts the mute; one transaction. Unknown event type → 404. Answers the entry.
    @Sendable func put(_ request: Request, context: PlatformRequestContext) async throws -> EventTypePreference {
        let inbox = try NotificationHandlers.inbox(context)
        guard let name = context.parameters.get("event_type"), let type = NotificationCatalog.find(name) else {
            throw APIError(.notFound, code: "unknown_event_type", message: "No such notification type (GET /notifications/defaults lists them).")
        }
        let body = try await request.decodeValid(as: V2Body.self, context: context)
        var entries: [(eventType: String, channel: String, enabled: Bool)] = []
        if let on = body.inappEnabled { entries.append((type.key, "in_app", on)) }
        if let on = body.emailEnabled { entries.append((type.key, "email", on)) }
        if let on = body.whatsappEnabled { entries.append((type.key, "whatsapp", on)) }
        let repository = self.repository
        let stored = try await database.transaction { connection in
            _ = try await repository.upsert(workspaceID: inbox.workspaceID, userID: inbox.userID, entries, on: connection)
            if let muted = body.muted {
                try await repository.setMuted(workspaceID: inbox.workspaceID, userID: inbox.userID, eventType: type.key, muted: muted,
                                              on: connection)
            }
            return try await repository.all(workspaceID: inbox.workspaceID, userID: inbox.userID, on: connection)
        }
        let entriesNow = NotificationPreferenceHandlers.effective(rows: stored.rows, mutes: stored.mutes)
        guard let entry = entriesNow.first(where: { $0.eventType == type.key }) else { throw Self.missing }
        return entry
    }

    static let missing = APIError(.internalServerError, code: "internal_error", message: "The preference could not be read back.")

    // MARK: E-mail delivery mode

    struct EmailPreference: ResponseEncodable, Sendable {
        var emailDeliveryMode: String
        var digestFrequencyMinutes: String
        /// When the user last chose (null: never, instant by default).
        var updatedAt: Date?
    }

    /// `GET /notifications/email-preference`: `instant` (default) or `digest` every `"30"` / `"60"` minutes.
    @Sendable func email(_ request: Request, context: PlatformRequestContext) async throws -> EmailPreference {
        let inbox = try NotificationHandlers.inbox(context)
        guard let (mode, minutes, updated) = try await repository.emailSettings(workspaceID: inbox.workspaceID, userID: inbox.userID) else {
            return EmailPreference(emailDeliveryMode: "instant", digestFrequencyMinutes: "60", updatedAt: nil)
        }
        return EmailPreference(emailDeliveryMode: mode, digestFrequencyMinutes: String(minutes), updatedAt: updated)
    }

    struct EmailBody: ValidatableBody {
        var emailDeliveryMode: String?
        var digestFrequencyMinutes: String?

        func validate(_ v: inout Validator) {
            v.oneOf(emailDeliveryMode, "email_delivery_mode", ["instant", "digest"], required: true)
            v.oneOf(digestFrequencyMinutes, "digest_frequency_minutes", ["30", "60"])
        }
    }

    /// `PUT /notifications/email-preference`: the mode, and the digest frequency (kept when left out).
    @Sendable func updateEmail(_ request: Request, context: PlatformRequestContext) async throws -> EmailPreference {
        let inbox = try NotificationHandlers.inbox(context)
        let body = try await request.decodeValid(as: EmailBody.self, context: context)
        let (mode, minutes, updated) = try await repository.saveEmailSettings(
            workspaceID: inbox.workspaceID, userID: inbox.userID, mode: body.emailDeliveryMode!,
            minutes: body.digestFrequencyMinutes.flatMap { Int($0) })
        return EmailPreference(emailDeliveryMode: mode, digestFrequencyMinutes: String(minutes), updatedAt: updated)
    }

    /// The whole picture for one user (Base's settings view through the internal route).
    func settings(workspaceID: UUID, userID: UUID) async throws -> NotificationSettings {
        let stored = try await repository.all(workspaceID: workspaceID, userID: userID)
        let email = try await repository.emailSettings(workspaceID: workspaceID, userID: userID)
        return NotificationSettings(emailDeliveryMode: email?.0 ?? "instant", digestFrequencyMinutes: String(email?.1 ?? 60),
                                    preferences: NotificationPreferenceHandlers.effective(rows: stored.rows, mutes: stored.mutes))
    }
}
