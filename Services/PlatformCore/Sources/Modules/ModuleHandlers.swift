import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The Module Settings group (`/api/v1/modules`, jwt+org): reads need `modules.read`; changes are
/// for admins and owners ("Required permissions: Admin"; `modules.manage` can narrow that). The switch is what other services gate on (`GET /internal/access` reports the
/// enabled modules, read from the database on every call).
struct ModuleHandlers {
    let database: Database
    let workspaces: WorkspaceRepository
    var repository: ModuleSettingsRepository { ModuleSettingsRepository(database: database) }

    /// `basic` holds the records every other module refers to (artists, companies, events, contacts),
    /// so it cannot be switched off (409 `module_required`).
    static let requiredModules: Set<String> = ["basic"]
    /// Settings are a small configuration object, not storage.
    static let maxSettingsBytes = 16_384

    /// `GET /modules`: every module of the catalog, in display order.
    @Sendable func list(_ request: Request, context: PlatformRequestContext) async throws -> [ModuleSetting] {
        let scope = try context.tenant(permission: Permission.modulesRead)
        return try await repository.list(workspaceID: scope.companyID)
    }

    /// `GET /modules/{module}`: unknown module → 404.
    @Sendable func get(_ request: Request, context: PlatformRequestContext) async throws -> ModuleSetting {
        let scope = try context.tenant(permission: Permission.modulesRead)
        guard let setting = try await repository.find(workspaceID: scope.companyID, module: Self.moduleName(context)) else {
            throw APIError.notFound("module")
        }
        return setting
    }

    struct CreateBody: ValidatableBody {
        var module: String?
        var enabled: Bool?
        var settings: JSONValue?

        func validate(_ v: inout Validator) {
            v.text(module, "module", maxLength: 64)
            JSONObjectField.validate(settings, "settings", maxBytes: ModuleHandlers.maxSettingsBytes, into: &v)
        }
    }

    /// `POST /modules` (201): the workspace's row for a module that has none — workspaces get a row for
    /// every module at creation, so this is for modules added to the catalog later. `enabled` defaults to
    /// the module's default, `settings` to `{}`. Unknown module → 422; existing row → 409 `module_settings_exist`.
    @Sendable func create(_ request: Request, context: PlatformRequestContext) async throws -> EditedResponse<ModuleSetting> {
        let scope = try context.adminTenant(Permission.modulesManage)
        let identity = try context.requireIdentity()
        let body = try await request.decodeValid(as: CreateBody.self, context: context)
        let module = body.module!.trimmingCharacters(in: .whitespaces)
        guard let current = try await repository.find(workspaceID: scope.companyID, module: module) else {
            throw APIError.validation(field: "module", code: "unknown_module", message: "\(module) is not a module of the catalog.")
        }
        let enabled = body.enabled ?? current.defaultEnabled
        try Self.requireSwitchable(module, enabled: enabled)
        let created = try await database.transaction { connection in
            try await repository.lock(workspaceID: scope.companyID, module: module, on: connection)
            guard try await repository.insert(workspaceID: scope.companyID, module: module, enabled: enabled,
                                               settings: JSONObjectField.text(body.settings) ?? "{}", by: identity.userID, on: connection)
            else { throw APIError.conflict("module_settings_exist", "The \(module) module already has settings; use PUT /modules/\(module).") }
            try await record("module.created", module, "Module \(module) configured (\(enabled ? "enabled" : "disabled"))",
                             identity, scope.companyID, connection)
            return try await repository.find(workspaceID: scope.companyID, module: module, on: connection).orNotFound("module")
        }
        return created.created()
    }

    struct UpdateBody: ValidatableBody {
        var enabled: Bool?
        var settings: JSONValue?

        func validate(_ v: inout Validator) {
            v.check(enabled != nil || settings != nil, "enabled", "required", "Give enabled and/or settings.")
            JSONObjectField.validate(settings, "settings", maxBytes: ModuleHandlers.maxSettingsBytes, into: &v)
        }
    }

    /// `PUT /modules/{module}`: the switch and/or the settings (replaced whole). A module without a row
    /// gets one (as if it had been disabled with `{}`).
    @Sendable func update(_ request: Request, context: PlatformRequestContext) async throws -> ModuleSetting {
        let scope = try context.adminTenant(Permission.modulesManage)
        let module = try Self.moduleName(context)
        let body = try await request.decodeValid(as: UpdateBody.self, context: context)
        if let enabled = body.enabled { try Self.requireSwitchable(module, enabled: enabled) }
        return try await change(module, scope.companyID, context) { _ in (body.enabled, JSONObjectField.text(body.settings)) }
    }

    /// `POST /modules/{module}/toggle`: flips the switch.
    @Sendable func toggle(_ request: Request, context: PlatformRequestContext) async throws -> ModuleSetting {
        let scope = try context.adminTenant(Permission.modulesManage)
        let module = try Self.moduleName(context)
        return try await change(module, scope.companyID, context) { current in
            try Self.requireSwitchable(module, enabled: !current.enabled)
            return (!current.enabled, nil)
        }
    }

    /// Locks the module's row, applies `decide(current)` (new switch, new settings) and records what changed.
    func change(_ module: String, _ workspaceID: UUID, _ context: PlatformRequestContext,
                decide: @Sendable @escaping (ModuleSetting) throws -> (Bool?, String?)) async throws -> ModuleSetting {
        let identity = try context.requireIdentity()
        return try await database.transaction { connection in
            try await repository.lock(workspaceID: workspaceID, module: module, on: connection)
            guard let current = try await repository.find(workspaceID: workspaceID, module: module, on: connection) else {
                throw APIError.notFound("module")
            }
            let (enabled, settings) = try decide(current)
            try await repository.upsert(workspaceID: workspaceID, module: module, enabled: enabled, settings: settings,
                                        by: identity.userID, on: connection)
            let updated = try await repository.find(workspaceID: workspaceID, module: module, on: connection).orNotFound("module")
            if updated.enabled != current.enabled {
                try await record(updated.enabled ? "module.enabled" : "module.disabled", module,
                                 "Module \(module) \(updated.enabled ? "enabled" : "disabled")", identity, workspaceID, connection)
            }
            if updated.settings != current.settings || (!current.configured && settings != nil) {
                try await record("module.settings_updated", module, "Settings of module \(module) changed", identity, workspaceID, connection)
            }
            return updated
        }
    }

    // MARK: Helpers

    /// The path's module name; names that cannot be module names are 404 like unknown ones.
    static func moduleName(_ context: PlatformRequestContext) throws -> String {
        guard let name = context.parameters.get("module"), (1...64).contains(name.count) else { throw APIError.notFound("module") }
        return name
    }

    static func requireSwitchable(_ module: String, enabled: Bool) throws {
        if !enabled, requiredModules.contains(module) {
            throw APIError.conflict("module_required", "The \(module) module holds the core records and cannot be disabled.")
        }
    }

    func record(_ action: String, _ module: String, _ description: String, _ identity: Identity, _ workspaceID: UUID,
                _ connection: PostgresConnection) async throws {
        try await workspaces.recordActivity(workspaceID: workspaceID, userID: identity.userID, actor: identity.actor, action: action,
                                                 entityType: "module", entityID: module, description: description, on: connection)
    }
}
