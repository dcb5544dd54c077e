import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The Webhooks group (`/api/v1/webhooks`, `jwt+org`): reads need `webhooks.read`, everything else `webhooks.manage`
/// ("Admin or webhook management permission": admins hold both by default, owners always; an owner may grant them to
/// members). Changes are recorded in the activity feed — which is also what webhooks deliver.
struct WebhookHandlers {
    let database: Database
    let workspaces: WorkspaceRepository
    let policy: WebhookURLPolicy
    let sender: WebhookSender
    let sealingKey: [UInt8]
    var repository: WebhookRepository { WebhookRepository(database: database) }

    // MARK: Reading

    /// `GET /webhooks?skip=&limit=&is_active=`: newest first, the array itself ("List of webhooks"), `X-Total-Count`.
    @Sendable func list(_ request: Request, context: PlatformRequestContext) async throws -> PlainList<Webhook> {
        let scope = try context.tenant(permission: Permission.webhooksRead)
        var query = QueryReader(request)
        let (skip, limit) = query.plainListWindow()
        let isActive = query.bool("is_active")
        try query.validate()
        let items = try await repository.list(workspaceID: scope.companyID, isActive: isActive, skip: skip, limit: limit)
        let total = try await repository.count(workspaceID: scope.companyID, isActive: isActive)
        return PlainList(items: items, total: total)
    }

    struct Count: ResponseEncodable, Sendable {
        var count: Int
    }

    /// `GET /webhooks/count?is_active=`: `{"count": n}`.
    @Sendable func count(_ request: Request, context: PlatformRequestContext) async throws -> Count {
        let scope = try context.tenant(permission: Permission.webhooksRead)
        var query = QueryReader(request)
        let isActive = query.bool("is_active")
        try query.validate()
        return Count(count: try await repository.count(workspaceID: scope.companyID, isActive: isActive))
    }

    /// `GET /webhooks/{webhook_id}`: the secret masked.
    @Sendable func get(_ request: Request, context: PlatformRequestContext) async throws -> Webhook {
        let scope = try context.tenant(permission: Permission.webhooksRead)
        guard let hook = try await repository.find(workspaceID: scope.companyID, id: try Self.webhookID(context)) else { throw Self.notFound }
        return hook
    }

    // MARK: Changing

    /// `POST /webhooks` (201): the answer carries the signing secret, once. At most `maxPerWorkspace` (409).
    @Sendable func create(_ request: Request, context: PlatformRequestContext) async throws -> EditedResponse<Webhook> {
        let scope = try context.tenant(permission: Permission.webhooksManage)
        let identity = try context.requireIdentity()
        let body = try await request.decodeValid(as: CreateWebhookBody.self, context: context)
        let url = (body.url ?? "").trimmingCharacters(in: .whitespaces)
        try await policy.validate(url)
        let id = UUID()
        let secret = WebhookSecret.generate()
        let hook = WebhookRepository.NewWebhook(
            id: id, name: body.resolvedName, url: url, description: body.description, events: WebhookEvents.normalize(body.events) ?? [],
            isActive: body.isActive ?? true,
            sealedSecret: try WebhookSecret.seal(secret, key: sealingKey, workspaceID: scope.companyID, webhookID: id),
            secretHint: WebhookSecret.hint(of: secret))
        let created = try await database.transaction { connection in
            let existing = try await repository.countLocking(workspaceID: scope.companyID, on: connection)
            guard existing < WebhookRepository.maxPerWorkspace else {
                throw APIError.conflict("webhook_limit_reached",
                                        "This workspace has \(existing) webhooks, the most allowed; delete one first.")
            }
            let created = try await repository.insert(workspaceID: scope.companyID, hook, createdBy: identity.userID, on: connection)
            try await record("webhook.created", created, "Webhook \(created.name) created", identity, scope.companyID, connection)
            return created
        }
        return created.revealing(secret).created()
    }

    /// `PUT /webhooks/{webhook_id}`: name, url (checked as at creation), description (null clears), events, is_active.
    @Sendable func update(_ request: Request, context: PlatformRequestContext) async throws -> Webhook {
        let scope = try context.tenant(permission: Permission.webhooksManage)
        let identity = try context.requireIdentity()
        let id = try Self.webhookID(context)
        let body = try await request.decodeValid(as: UpdateWebhookBody.self, context: context)
        let url = body.url?.trimmingCharacters(in: .whitespaces)
        // 404 before the URL is resolved: another workspace's id answers the same whatever the body says.
        guard try await repository.find(workspaceID: scope.companyID, id: id) != nil else { throw Self.notFound }
        if let url { try await policy.validate(url) }
        let patch = WebhookRepository.Patch(name: body.name?.trimmingCharacters(in: .whitespacesAndNewlines), url: url,
                                            description: body.description, clearDescription: body.clearDescription,
                                            events: WebhookEvents.normalize(body.events), isActive: body.isActive)
        return try await database.transaction { connection in
            guard let current = try await repository.locked(workspaceID: scope.companyID, id: id, on: connection),
                  let hook = try await repository.update(workspaceID: scope.companyID, id: id, patch: patch, on: connection)
            else { throw Self.notFound }
            var changes: [String] = []
            if hook.name != current.name { changes.append("renamed from \(current.name)") }
            if hook.url != current.url { changes.append("URL changed") }
            if hook.description != current.description { changes.append("description changed") }
            if hook.events != current.events { changes.append(hook.events.isEmpty ? "all events" : "events \(hook.events.joined(separator: ", "))") }
            if hook.isActive != current.isActive { changes.append(hook.isActive ? "enabled" : "disabled") }
            if !changes.isEmpty {
                try await record("webhook.updated", hook, "Webhook \(hook.name): \(changes.joined(separator: "; "))", identity, scope.companyID,
                                 connection)
            }
            return hook
        }
    }

    /// `POST /webhooks/{webhook_id}/toggle`: flips `is_active`. Messages queued while disabled are dropped.
    @Sendable func toggle(_ request: Request, context: PlatformRequestContext) async throws -> Webhook {
        let scope = try context.tenant(permission: Permission.webhooksManage)
        let identity = try context.requireIdentity()
        let id = try Self.webhookID(context)
        return try await database.transaction { connection in
            guard let current = try await repository.locked(workspaceID: scope.companyID, id: id, on: connection),
                  let hook = try await repository.update(workspaceID: scope.companyID, id: id, patch: .init(isActive: !current.isActive),
                                                         on: connection)
            else { throw Self.notFound }
            try await record(hook.isActive ? "webhook.enabled" : "webhook.disabled", hook,
                             "Webhook \(hook.name) \(hook.isActive ? "enabled" : "disabled")", identity, scope.companyID, connection)
            return hook
        }
    }

    /// `POST /webhooks/{webhook_id}/regenerate-secret`: a new secret, in the answer once; the old one stops signing at
    /// once (queued deliveries are signed with the new one).
    @Sendable func regenerateSecret(_ request: Request, context: PlatformRequestContext) async throws -> Webhook {
        let scope = try context.tenant(permission: Permission.webhooksManage)
        let identity = try context.requireIdentity()
        let id = try Self.webhookID(context)
        let secret = WebhookSecret.generate()
        let sealed = try WebhookSecret.seal(secret, key: sealingKey, workspaceID: scope.companyID, webhookID: id)
        let hook = try await database.transaction { connection in
            guard let hook = try await repository.replaceSecret(workspaceID: scope.companyID, id: id, sealed: sealed,
                                                                 hint: WebhookSecret.hint(of: secret), on: connection)
            else { throw Self.notFound }
            try await record("webhook.secret_regenerated", hook, "Webhook \(hook.name): signing secret regenerated", identity,
                             scope.companyID, connection)
            return hook
        }
        return hook.revealing(secret)
    }

    /// `DELETE /webhooks/{webhook_id}` (204): the webhook and its delivery log; queued messages are dropped.
    @Sendable func delete(_ request: Request, context: PlatformRequestContext) async throws -> Response {
        let scope = try context.tenant(permission: Permission.webhooksManage)
        let identity = try context.requireIdentity()
        let id = try Self.webhookID(context)
        try await database.transaction { connection in
            guard let hook = try await repository.locked(workspaceID: scope.companyID, id: id, on: connection),
                  try await repository.delete(workspaceID: scope.companyID, id: id, on: connection)
            else { throw Self.notFound }
            try await record("webhook.deleted", hook, "Webhook \(hook.name) deleted", identity, scope.companyID, connection)
        }
        return Response(status: .noContent)
    }

    struct TestResult: ResponseEncodable, Sendable {
        var success: Bool
        var statusCode: Int?
        var message: String
        var durationMs: Int
        var deliveryId: String
    }

    /// `POST /webhooks/{webhook_id}/test`: sends one signed test delivery now (disabled webhooks too: that is how one
    /// checks a receiver before enabling it) and answers `{success, status_code, message}`; logged like any attempt.
    /// A URL that became refused (its name now resolves to a private address) → 422 as at creation.
    @Sendable func test(_ request: Request, context: PlatformRequestContext) async throws -> TestResult {
        let scope = try context.tenant(permission: Permission.webhooksManage)
        let id = try Self.webhookID(context)
        let body = try await request.decodeValidIfPresent(as: TestWebhookBody.self, context: context)
        guard let target = try await repository.target(workspaceID: scope.companyID, id: id) else { throw Self.notFound }
        let secret = try WebhookSecret.open(target.sealedSecret, key: sealingKey, workspaceID: scope.companyID, webhookID: id)
        let event = body?.event ?? "webhook.test"
        let deliveryID = UUID().uuidString.lowercased()
        var data = body?.payload ?? .null
        if data == .null { data = ["message": "This is a test delivery from Kisum."] }
        let envelope: JSONValue = [
            "id": .string(deliveryID), "event": .string(event), "test": true, "workspace_id": .string(scope.companyID.uuidString.lowercased()),
            "created_at": .string(ISO8601DateFormatter().string(from: Date())), "data": data,
        ]
        let bytes = Array(try JSONCoding.encoder.encode(envelope))
        let result = await sender.send(url: target.url, secret: secret, webhookID: id, deliveryID: deliveryID, event: event, body: bytes)
        let success = result.outcome == .delivered
        try await repository.record(workspaceID: scope.companyID, webhookID: id, .init(
            outboxID: nil, event: event, attempt: 1, statusCode: result.statusCode, durationMS: result.durationMS, error: result.error,
            outcome: success ? "delivered" : "failed"))
        if let refusal = result.refusal { throw refusal.apiError }
        let message = success ? "The receiver accepted the test delivery." : "The test delivery failed: \(result.error ?? "unknown error")."
        return TestResult(success: success, statusCode: result.statusCode, message: message, durationMs: result.durationMS, deliveryId: deliveryID)
    }

    // MARK: Helpers

    static let notFound = APIError(.notFound, code: "webhook_not_found", message: "No such webhook in this workspace.")

    static func webhookID(_ context: PlatformRequestContext) throws -> UUID {
        guard let text = context.parameters.get("webhook_id"), let id = UUID(uuidString: text) else { throw notFound }
        return id
    }

    func record(_ action: String, _ hook: Webhook, _ description: String, _ identity: Identity, _ workspaceID: UUID,
                _ connection: PostgresConnection) async throws {
        try await workspaces.recordActivity(workspaceID: workspaceID, userID: identity.userID, actor: identity.actor, action: action,
                                            entityType: "webhook", entityID: hook.id.uuidString.lowercased(), description: description,
                                            on: connection)
    }
}
