import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import PlatformCoreAPI

/// The caller's notification preferences in the request's workspace (`jwt+org`, membership only). Two shapes
/// over the same rows: v1 = stored (event type, channel) rows with ids; v2 = every catalog type with its three
/// channels and the mute, defaults filled in. What is stored decides deliveries (`Notifier`).
struct NotificationPreferenceHandlers {
    let database: Database
    var repository: NotificationPreferenceRepository { NotificationPreferenceRepository(database: database) }

    static let notFound = APIError(.notFound, code: "preference_not_found", message: "No such notification preference.")
    static let maxBulk = 200

    /// Every catalog type with the user's channels (defaults where nothing is stored) and the mute.
    static func effective(rows: [NotificationPreference], mutes: Set<String>) -> [EventTypePreference] {
        var stored: [String: Bool] = [:]
        for row in rows { stored["\(row.eventType)|\(row.channel)"] = row.enabled }
        return NotificationCatalog.types.map { type in
            func on(_ channel: String) -> Bool {
                stored["\(type.key)|\(channel)"] ?? NotificationCatalog.defaultEnabled(type, channel: channel)
            }
            return EventTypePreference(eventType: type.key, category: type.category, label: type.label, inappEnabled: on("in_app"),
                                       emailEnabled: on("email"), whatsappEnabled: on("whatsapp"), muted: mutes.contains(type.key))
        }
    }

    // MARK: Defaults

    struct DefaultSetting: Encodable, Sendable {
        var label: String
        var description: String
        var inappEnabled: Bool
        var emailEnabled: Bool
        var whatsappEnabled: Bool
    }

    /// `GET /notifications/defaults`: `{category: {event_type: recommended settings}}`.
    @Sendable func defaults(_ request: Request, context: PlatformRequestContext) async throws -> JSONObjectResponse<[String: [String: DefaultSetting]]> {
        _ = try NotificationHandlers.inbox(context)
        var answer: [String: [String: DefaultSetting]] = [:]
        for type in NotificationCatalog.types {
            answer[type.category, default: [:]][type.key] = DefaultSetting(label: type.label, description: type.description,
                                                                          inappEnabled: type.inApp, emailEnabled: type.email,
                                                                          whatsappEnabled: type.whatsapp)
        }
        return JSONObjectResponse(value: answer)
    }

    // MARK: v1 (stored rows)

    /// `GET /notifications/me`: the stored rows (a plain list: array + `X-Total-Count`, optional `skip`/`limit`).
    @Sendable func mine(_ request: Request, context: PlatformRequestContext) async throws -> PlainList<NotificationPreference> {
        let inbox = try NotificationHandlers.inbox(context)
        var query = QueryReader(request)
        let window = query.plainListWindow()
        try query.validate()
        let (items, total) = try await repository.list(workspaceID: inbox.workspaceID, userID: inbox.userID, skip: window.skip,
                                                       limit: window.limit)
        return PlainList(items: items, total: total)
    }

    struct PreferenceBody: ValidatableBody {
        var eventType: String?
        var channel: String?
        var enabled: Bool?

        func validate(_ v: inout Validator) {
            NotificationPreferenceHandlers.checkType(eventType, "event_type", &v)
            v.oneOf(channel, "channel", NotificationCatalog.channels, required: true)
        }
    }

    static func checkType(_ value: String?, _ field: String, _ v: inout Validator) {
        v.text(value, field, maxLength: 100)
        if let value, !value.isEmpty, value.unicodeScalars.count <= 100, NotificationCatalog.find(value) == nil {
            v.add(field, "unknown_event_type", "\(value) is not a notification type (GET /notifications/defaults lists them).")
        }
    }

    /// `POST /notifications/me` (201): one (event type, channel) row; `enabled` defaults to true. A row for the
    /// pair exists → 409 `preference_exists` (PUT /me/{id} or /me/bulk change it).
    @Sendable func create(_ request: Request, context: PlatformRequestContext) async throws -> EditedResponse<NotificationPreference> {
        let inbox = try NotificationHandlers.inbox(context)
        let body = try await request.decodeValid(as: PreferenceBody.self, context: context)
        guard let created = try await repository.create(workspaceID: inbox.workspaceID, userID: inbox.userID, eventType: body.eventType!,
                                                        channel: body.channel!, enabled: body.enabled ?? true) else {
            throw APIError.conflict("preference_exists", "You already have a preference for \(body.eventType!) on \(body.channel!).")
        }
        return created.created()
    }

    struct UpdateBody: ValidatableBody {
        var enabled: Bool?
        func validate(_ v: inout Validator) {
            v.check(enabled != nil, "enabled", "required", "This field is required.")
        }
    }

    /// `PUT /notifications/me/{preference_id}`: switches the row on or off. Another user's row → 404.
    @Sendable func update(_ request: Request, context: PlatformRequestContext) async throws -> NotificationPreference {
        let inbox = try NotificationHandlers.inbox(context)
        let id = try context.parameters.uuid("preference_id", what: "notification preference")
        let body = try await request.decodeValid(as: UpdateBody.self, context: context)
        guard let updated = try await repository.update(workspaceID: inbox.workspaceID, userID: inbox.userID, id: id,
                                                        enabled: body.enabled!) else { throw Self.notFound }
        return updated
    }

    /// `DELETE /notifications/me/{preference_id}` (204): the pair falls back to the default.
    @Sendable func delete(_ request: Request, context: PlatformRequestContext) async throws -> Response {
        let inbox = try NotificationHandlers.inbox(context)
        let id = try context.parameters.uuid("preference_id", what: "notification preference")
        guard try await repository.delete(workspaceID: inbox.workspaceID, userID: inbox.userID, id: id) else { throw Self.notFound }
        return Response(status: .noContent)
    }

    struct BulkBody: ValidatableBody {
        var preferences: [PreferenceBody]?

        func validate(_ v: inout Validator) {
            guard let preferences else { return v.add("preferences", "required", "This field is required.") }
            v.check((1...NotificationPreferenceHandlers.maxBulk).contains(preferences.count), "preferences", "out_of_range",
                    "Between 1 and \(NotificationPreferenceHandlers.maxBulk) preferences.")
            var seen = Set<String>()
            for (i, entry) in preferences.prefix(NotificationPreferenceHandlers.maxBulk).enumerated() {
                NotificationPreferenceHandlers.checkType(entry.eventType, "preferences[\(i)].event_type", &v)
                v.oneOf(entry.channel, "preferences[\(i)].channel", NotificationCatalog.channels, required: true)
                v.check(entry.enabled != nil, "preferences[\(i)].enabled", "required", "This field is required.")
                if let type = entry.eventType, let channel = entry.channel, !seen.insert("\(type)|\(channel)").inserted {
                    v.add("preferences[\(i)]", "duplicate", "\(type) on \(channel) is given twice.")
                }
            }
        }
    }

    /// `PUT /notifications/me/bulk`: creates or updates each (event type, channel) row in one transaction;
    /// answers the rows written, in the order given.
    @Sendable func bulk(_ request: Request, context: PlatformRequestContext) async throws -> [NotificationPreference] {
        let inbox = try NotificationHandlers.inbox(context)
        let body = try await request.decodeValid(as: BulkBody.self, context: context)
        let entries = (body.preferences ?? []).map { (eventType: $0.eventType!, channel: $0.channel!, enabled: $0.enabled!) }
        let repository = self.repository
        return try await database.transaction { connection in
            try await repository.upsert(workspaceID: inbox.workspaceID, userID: inbox.userID, entries, on: connection)
        }
    }

    /// `POST /notifications/me/reset`: every stored row and mute goes; one row per catalog type and channel with
    /// the recommended setting is created (one transaction). Answers the new rows.
    @Sendable func reset(_ request: Request, context: PlatformRequestContext) async throws -> [NotificationPreference] {
        let inbox = try NotificationHandlers.inbox(context)
        let entries = NotificationCatalog.types.flatMap { type in
            NotificationCatalog.channels.map { (eventType: type.key, channel: $0, enabled: NotificationCatalog.defaultEnabled(type, channel: $0)) }
        }
        let repository = self.repository
        return try await database.transaction { connection in
            try await repository.clear(workspaceID: inbox.workspaceID, userID: inbox.userID, on: connection)
            return try await repository.upsert(workspaceID: inbox.workspaceID, userID: inbox.userID, entries, on: connection)
        }
    }
}

/// A JSON object answer whose keys are data (event types, categories), written as they are.
struct JSONObjectResponse<Value: Encodable & Sendable>: ResponseEncodable, Sendable {
    var value: Value
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
