import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The API Keys group (`/api/v1/api-keys`, jwt+org): reads need `api_keys.read`, changes
/// `api_keys.manage`. The full key appears only in the create and rotate answers; lists and reads show
/// the prefix. Keys authenticate through `POST /internal/api-keys/authenticate` (`APIKeyAuthenticator`).
struct APIKeyHandlers {
    let database: Database
    let workspaces: WorkspaceRepository
    var repository: APIKeyRepository { APIKeyRepository(database: database) }

    // MARK: Reading

    /// `GET /api-keys?skip=&limit=&is_active=&is_revoked=`, newest first: the array ("List of API keys").
    @Sendable func list(_ request: Request, context: PlatformRequestContext) async throws -> PlainList<APIKey> {
        let scope = try context.tenant(permission: Permission.apiKeysRead)
        var query = QueryReader(request)
        let (skip, limit) = query.plainListWindow()
        let filter = Self.filter(&query)
        try query.validate()
        let items = try await repository.list(workspaceID: scope.companyID, filter: filter, skip: skip, limit: limit)
        let total = try await repository.count(workspaceID: scope.companyID, filter: filter)
        return PlainList(items: items, total: total)
    }

    struct Count: ResponseEncodable, Sendable {
        var count: Int
    }

    /// `GET /api-keys/count?is_active=&is_revoked=`: `{"count": n}` with the list's filters.
    @Sendable func count(_ request: Request, context: PlatformRequestContext) async throws -> Count {
        let scope = try context.tenant(permission: Permission.apiKeysRead)
        var query = QueryReader(request)
        let filter = Self.filter(&query)
        try query.validate()
        return Count(count: try await repository.count(workspaceID: scope.companyID, filter: filter))
    }

    static func filter(_ query: inout QueryReader) -> APIKeyFilter {
        APIKeyFilter(isActive: query.bool("is_active"), isRevoked: query.bool("is_revoked"))
    }

    /// `GET /api-keys/{api_key_id}`.
    @Sendable func get(_ request: Request, context: PlatformRequestContext) async throws -> APIKey {
        let scope = try context.tenant(permission: Permission.apiKeysRead)
        let id = try Self.keyID(context)
        guard let key = try await repository.find(workspaceID: scope.companyID, id: id) else { throw APIError.notFound("API key") }
        return key
    }

    // MARK: Changing

    /// `POST /api-keys` (201): the answer holds the full key, once. At most
    /// `APIKeyRepository.maxLiveKeysPerWorkspace` keys that are neither revoked nor expired (409).
    @Sendable func create(_ request: Request, context: PlatformRequestContext) async throws -> EditedResponse<APIKey> {
        let scope = try context.tenant(permission: Permission.apiKeysManage)
        let identity = try Self.refuseImpersonation(context)
        let body = try await request.decodeValid(as: CreateAPIKeyBody.self, context: context)
        let scopes = APIKeyScopePolicy.normalize(body.scopes ?? [])
        let policy = try await scopePolicy(context)
        try policy.validate(scopes)
        try policy.requireHeld(scopes)
        let newKey = APIKeyRepository.NewKey(name: body.name!.trimmingCharacters(in: .whitespacesAndNewlines),
                                             description: body.description, scopes: scopes, enabled: body.isActive ?? true,
                                             expiresAt: body.expiresAt, rotatedFrom: nil)
        let created = try await database.transaction { connection in
            let live = try await repository.liveKeyCount(workspaceID: scope.companyID, lockingOn: connection)
            guard live < APIKeyRepository.maxLiveKeysPerWorkspace else {
                throw APIError.conflict("api_key_limit_reached",
                                        "This workspace has \(live) usable API keys, the most allowed; revoke or delete one first.")
            }
            let key = try await repository.insert(workspaceID: scope.companyID, newKey, createdBy: identity.userID, on: connection)
            try await record("api_key.created", key, "API key \(key.name) (\(key.prefix)…) created", identity, scope.companyID, connection)
            return key
        }
        return created.created()
    }

    /// `PUT /api-keys/{api_key_id}`: name, description (null clears), scopes (validated as at creation;
    /// the caller must hold the scopes the edit adds) and is_active. Revoked keys are final (409 `api_key_revoked`).
    @Sendable func update(_ request: Request, context: PlatformRequestContext) async throws -> APIKey {
        let scope = try context.tenant(permission: Permission.apiKeysManage)
        let identity = try context.requireIdentity()
        let id = try Self.keyID(context)
        let body = try await request.decodeValid(as: UpdateAPIKeyBody.self, context: context)
        let scopes = body.scopes.map(APIKeyScopePolicy.normalize)
        let policy = try await scopePolicy(context)
        if let scopes { try policy.validate(scopes) }
        let patch = APIKeyRepository.Patch(name: body.name?.trimmingCharacters(in: .whitespacesAndNewlines), description: body.description,
                                           clearDescription: body.clearDescription, scopes: scopes, enabled: body.isActive)
        return try await database.transaction { connection in
            let current = try await liveKey(scope.companyID, id, connection)
            // Keeping or narrowing what the key already has gives nothing new.
            try policy.requireHeld((scopes ?? []).filter { !current.scopes.contains($0) })
            guard let key = try await repository.update(workspaceID: scope.companyID, id: id, patch: patch, on: connection) else {
                throw APIError.notFound("API key")
            }
            var changes: [String] = []
            if key.name != current.name { changes.append("renamed from \(current.name)") }
            if key.description != current.description { changes.append("description changed") }
            if key.scopes != current.scopes { changes.append("scopes \(key.scopes.joined(separator: ", "))") }
            if key.isActive != current.isActive { changes.append(key.isActive ? "enabled" : "disabled") }
            if !changes.isEmpty {
                try await record("api_key.updated", key, "API key \(key.name) (\(key.prefix)…): \(changes.joined(separator: "; "))",
                                 identity, scope.companyID, connection)
            }
            return key
        }
    }

    /// `POST /api-keys/{api_key_id}/revoke`: permanent; the record stays. Already revoked → 409.
    @Sendable func revoke(_ request: Request, context: PlatformRequestContext) async throws -> APIKey {
        let scope = try context.tenant(permission: Permission.apiKeysManage)
        let identity = try context.requireIdentity()
        let id = try Self.keyID(context)
        return try await database.transaction { connection in
            _ = try await liveKey(scope.companyID, id, connection)
            guard let key = try await repository.revoke(workspaceID: scope.companyID, id: id, by: identity.userID, on: connection) else {
                throw APIError.notFound("API key")
            }
            try await record("api_key.revoked", key, "API key \(key.name) (\(key.prefix)…) revoked", identity, scope.companyID, connection)
            return key
        }
    }

    /// `POST /api-keys/{api_key_id}/rotate`: in one transaction a new key with the same name,
    /// description, scopes, enabled switch and expiry (`rotated_from` = the old id) and the old one
    /// revoked. The answer holds the new full key, once. Revoked → 409 `api_key_revoked`; expired → 409
    /// `api_key_expired` (create a new key instead); the caller must hold the key's scopes.
    @Sendable func rotate(_ request: Request, context: PlatformRequestContext) async throws -> APIKey {
        let scope = try context.tenant(permission: Permission.apiKeysManage)
        let identity = try Self.refuseImpersonation(context)
        let id = try Self.keyID(context)
        let policy = try await scopePolicy(context)
        return try await database.transaction { connection in
            let old = try await liveKey(scope.companyID, id, connection)
            guard old.status != "expired" else {
                throw APIError.conflict("api_key_expired", "The API key has expired; create a new one instead.")
            }
            try policy.requireHeld(old.scopes)
            _ = try await repository.revoke(workspaceID: scope.companyID, id: id, by: identity.userID, on: connection)
            let key = try await repository.insert(
                workspaceID: scope.companyID,
                .init(name: old.name, description: old.description, scopes: old.scopes, enabled: old.isActive, expiresAt: old.expiresAt,
                      rotatedFrom: old.id),
                createdBy: identity.userID, on: connection)
            try await record("api_key.rotated", key, "API key \(key.name) rotated: \(old.prefix)… revoked, \(key.prefix)… issued",
                             identity, scope.companyID, connection)
            return key
        }
    }

    /// `POST /api-keys/{api_key_id}/toggle`: flips the enabled switch (revoked → 409).
    @Sendable func toggle(_ request: Request, context: PlatformRequestContext) async throws -> APIKey {
        let scope = try context.tenant(permission: Permission.apiKeysManage)
        let identity = try context.requireIdentity()
        let id = try Self.keyID(context)
        return try await database.transaction { connection in
            let current = try await liveKey(scope.companyID, id, connection)
            guard let key = try await repository.update(workspaceID: scope.companyID, id: id,
                                                        patch: .init(enabled: !current.isActive), on: connection)
            else { throw APIError.notFound("API key") }
            try await record(key.isActive ? "api_key.enabled" : "api_key.disabled", key,
                             "API key \(key.name) (\(key.prefix)…) \(key.isActive ? "enabled" : "disabled")", identity, scope.companyID, connection)
            return key
        }
    }

    /// `DELETE /api-keys/{api_key_id}` (204): removes the record (revoke keeps it for audit). A key
    /// rotated from this one keeps working; its `rotated_from` becomes null.
    @Sendable func delete(_ request: Request, context: PlatformRequestContext) async throws -> Response {
        let scope = try context.tenant(permission: Permission.apiKeysManage)
        let identity = try context.requireIdentity()
        let id = try Self.keyID(context)
        try await database.transaction { connection in
            guard let key = try await repository.lockedKey(workspaceID: scope.companyID, id: id, on: connection),
                  try await repository.delete(workspaceID: scope.companyID, id: id, on: connection)
            else { throw APIError.notFound("API key") }
            try await record("api_key.deleted", key, "API key \(key.name) (\(key.prefix)…) deleted", identity, scope.companyID, connection)
        }
        return Response(status: .noContent)
    }

    // MARK: Helpers

    static func keyID(_ context: PlatformRequestContext) throws -> UUID {
        try context.parameters.uuid("api_key_id", what: "API key")
    }

    /// Keys are credentials that outlive a support session: an impersonator cannot mint or rotate one.
    static func refuseImpersonation(_ context: PlatformRequestContext) throws -> Identity {
        let identity = try context.requireIdentity()
        guard identity.actor == nil else {
            throw APIError.forbidden("impersonation_forbidden", "API keys cannot be created or rotated while impersonating.")
        }
        return identity
    }

    func scopePolicy(_ context: PlatformRequestContext) async throws -> APIKeyScopePolicy {
        APIKeyScopePolicy(access: try context.requireAccess(), catalog: try await PermissionCatalog.load(database))
    }

    /// The key locked for this transaction: 404 when it is not this workspace's, 409 when revoked.
    func liveKey(_ workspaceID: UUID, _ id: UUID, _ connection: PostgresConnection) async throws -> APIKey {
        guard let key = try await repository.lockedKey(workspaceID: workspaceID, id: id, on: connection) else {
            throw APIError.notFound("API key")
        }
        guard !key.isRevoked else { throw APIError.conflict("api_key_revoked", "The API key was revoked; revoked keys are final.") }
        return key
    }

    func record(_ action: String, _ key: APIKey, _ description: String, _ identity: Identity, _ workspaceID: UUID,
                _ connection: PostgresConnection) async throws {
        try await workspaces.recordActivity(workspaceID: workspaceID, userID: identity.userID, actor: identity.actor, action: action,
                                                 entityType: "api_key", entityID: key.id.uuidString.lowercased(), description: description,
                                                 on: connection)
    }
}
