import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import PostgresNIO

/// Company Onboarding (`/api/v1/onboarding/company`, jwt+org): a server-side state machine per workspace.
/// `start` opens it (and fills the company profile step), `context`, `goals` and a finished website scrape complete
/// their steps, `skip-step` skips one, `complete` closes it when nothing is pending. Writes are for admins and owners
/// (`workspace.update` narrows: it is the workspace's profile); reads need `workspace.read`.
struct CompanyOnboardingHandlers {
    let database: Database
    let workspaces: WorkspaceRepository
    var repository: CompanyOnboardingRepository { CompanyOnboardingRepository(database: database) }

    static let steps: [OnboardingSteps.Step] = [
        .init(key: "company_profile", title: "Company profile", skippable: false),
        .init(key: "website", title: "Website", skippable: true),
        .init(key: "context", title: "Company context", skippable: true),
        .init(key: "goals", title: "Goals", skippable: true),
    ]
    static let companySizes = ["1-10", "11-50", "51-200", "201-500", "501-1000", "1000+"]
    static let goalCategories = ["growth", "revenue", "brand", "operations", "team", "other"]
    /// Goals are a short list of intentions, not a task tracker.
    static let maxGoals = 100

    static func machine(_ row: CompanyOnboardingRepository.Row) -> OnboardingSteps {
        OnboardingSteps(steps: steps, status: row.status, completed: row.completed, skipped: row.skipped)
    }

    static func answer(_ row: CompanyOnboardingRepository.Row) -> OnboardingAnswer {
        guard case .object(var object) = machine(row).json else { return OnboardingAnswer(.null) }
        object["started_at"] = .date(row.startedAt)
        object["completed_at"] = .date(row.completedAt)
        object["company"] = .object([
            "name": .string(row.name), "description": .text(row.description), "website": .text(row.website),
            "industry": .text(row.industry), "company_size": .text(row.companySize), "target_audience": .text(row.targetAudience),
            "value_proposition": .text(row.valueProposition), "products_services": .text(row.productsServices),
            "brand_voice": .text(row.brandVoice), "headquarters": .text(row.headquarters), "competitors": .texts(row.competitors),
        ])
        return OnboardingAnswer(.object(object))
    }

    /// `GET /status`.
    @Sendable func status(_ request: Request, context: PlatformRequestContext) async throws -> OnboardingAnswer {
        let scope = try context.tenant(permission: Permission.workspaceRead)
        guard let row = try await repository.find(workspaceID: scope.companyID) else { throw APIError.notFound("workspace") }
        return Self.answer(row)
    }

    struct ContextBody: ValidatableBody {
        var companyName: String?
        var description: String?
        var website: String?
        var industry: String?
        var companySize: String?
        var targetAudience: String?
        var valueProposition: String?
        var productsServices: String?
        var brandVoice: String?
        var headquarters: String?
        var competitors: [String]?

        func validate(_ v: inout Validator) {
            v.text(companyName, "company_name", required: false, maxLength: 200)
            if let description { v.check(description.unicodeScalars.count <= 2000, "description", "too_long", "At most 2000 characters.") }
            if let website { v.check(Self.isWebURL(website), "website", "invalid_url", "Must be an http(s) URL of at most 2048 characters.") }
            v.text(industry, "industry", required: false, maxLength: 100)
            v.oneOf(companySize, "company_size", CompanyOnboardingHandlers.companySizes)
            for (field, value) in [("target_audience", targetAudience), ("value_proposition", valueProposition),
                                   ("products_services", productsServices)] {
                if let value { v.check(value.unicodeScalars.count <= 2000, field, "too_long", "At most 2000 characters.") }
            }
            v.text(brandVoice, "brand_voice", required: false, maxLength: 500)
            v.text(headquarters, "headquarters", required: false, maxLength: 200)
            v.labels(competitors, "competitors", maxCount: 20, maxLength: 200)
        }

        static func isWebURL(_ text: String) -> Bool {
            guard text.unicodeScalars.count <= 2048, let url = URL(string: text), let host = url.host, !host.isEmpty else { return false }
            return ["http", "https"].contains(url.scheme?.lowercased() ?? "")
        }

        var isEmpty: Bool {
            [companyName, description, website, industry, companySize, targetAudience, valueProposition, productsServices,
             brandVoice, headquarters].allSatisfy { $0 == nil } && competitors == nil
        }

        var fields: CompanyOnboardingRepository.Fields {
            .init(name: companyName?.trimmingCharacters(in: .whitespacesAndNewlines), description: description, website: website,
                  industry: industry, companySize: companySize, targetAudience: targetAudience, valueProposition: valueProposition,
                  productsServices: productsServices, brandVoice: brandVoice, headquarters: headquarters, competitors: competitors)
        }
    }

    /// `POST /start`: opens onboarding (or, while open, updates the profile it started with: "Creates or updates the
    /// brand profile with initial data"). Completed onboarding → 409 `onboarding_completed`.
    @Sendable func start(_ request: Request, context: PlatformRequestContext) async throws -> OnboardingAnswer {
        let scope = try context.adminTenant(Permission.workspaceUpdate)
        let body = try await request.decodeValidIfPresent(as: ContextBody.self, context: context)
        return try await transition(scope, context, action: "onboarding.company_started", "Company onboarding started") { row, connection in
            try Self.machine(row).requireOpen()
            let fields = body?.fields ?? CompanyOnboardingRepository.Fields()
            try await repository.updateWorkspace(workspaceID: scope.companyID, fields, on: connection)
            try await repository.upsert(workspaceID: scope.companyID, userID: scope.userID, fields, completing: "company_profile", on: connection)
        }
    }

    /// `PUT /context`: the company context (absent = unchanged). Completes the context step while onboarding is open;
    /// after completion the context stays editable (it is the company's profile) and the steps stay as they were.
    @Sendable func updateContext(_ request: Request, context: PlatformRequestContext) async throws -> OnboardingAnswer {
        let scope = try context.adminTenant(Permission.workspaceUpdate)
        let body = try await request.decodeValid(as: ContextBody.self, context: context)
        if body.isEmpty { throw APIError.validation(field: "body", code: "empty_update", message: "Give at least one field.") }
        return try await transition(scope, context, action: "onboarding.company_context_updated", "Company context updated") { row, connection in
            try Self.requireStarted(row)
            try await repository.updateWorkspace(workspaceID: scope.companyID, body.fields, on: connection)
            try await repository.upsert(workspaceID: scope.companyID, userID: scope.userID, body.fields, completing: "context", on: connection)
        }
    }

    struct GoalInput: Decodable, Sendable {
        var title: String?
        var description: String?
        var category: String?
    }

    struct GoalsBody: ValidatableBody {
        var goals: [GoalInput]?

        func validate(_ v: inout Validator) {
            guard let goals else { return v.add("goals", "required", "This field is required.") }
            v.check((1...20).contains(goals.count), "goals", "out_of_range", "Give 1…20 goals.")
            for (index, goal) in goals.prefix(20).enumerated() {
                v.text(goal.title, "goals[\(index)].title", maxLength: 200)
                if let d = goal.description { v.check(d.unicodeScalars.count <= 2000, "goals[\(index)].description", "too_long", "At most 2000 characters.") }
                v.oneOf(goal.category, "goals[\(index)].category", CompanyOnboardingHandlers.goalCategories)
            }
        }
    }

    /// `POST /goals`: creates goal records (at most `maxGoals` per workspace: 422 `too_many_goals`) and completes the
    /// goals step. Needs open onboarding.
    @Sendable func saveGoals(_ request: Request, context: PlatformRequestContext) async throws -> OnboardingAnswer {
        let scope = try context.adminTenant(Permission.workspaceUpdate)
        let body = try await request.decodeValid(as: GoalsBody.self, context: context)
        let inputs = body.goals ?? []
        let payload: JSONValue = .array(inputs.map { goal in
            .object(["title": .text(goal.title?.trimmingCharacters(in: .whitespacesAndNewlines)), "description": .text(goal.description),
                     "category": .text(goal.category)])
        })
        let goalsJSON = try SQLText.json(payload) ?? "[]"
        let (state, created) = try await transitionReturning(scope, context, action: "onboarding.company_goals_saved", "\(inputs.count) onboarding goal(s) saved") { row, connection in
            try Self.requireStarted(row)
            try Self.machine(row).requireOpen()
            let existing = try await repository.goalCount(workspaceID: scope.companyID, on: connection)
            if existing + inputs.count > Self.maxGoals {
                throw APIError.validation(field: "goals", code: "too_many_goals", message: "A workspace keeps at most \(Self.maxGoals) goals.")
            }
            let created = try await repository.insertGoals(workspaceID: scope.companyID, userID: scope.userID, goals: goalsJSON, on: connection)
            try await repository.upsert(workspaceID: scope.companyID, userID: scope.userID, .init(), completing: "goals", on: connection)
            return created
        }
        guard case .object(var object) = state.value else { return state }
        object["goals"] = .array(created.map { goal in
            .object(["id": .uuid(goal.id), "title": .string(goal.title), "description": .text(goal.description),
                     "category": .text(goal.category), "created_at": .date(goal.createdAt)])
        })
        return OnboardingAnswer(.object(object))
    }

    struct SkipBody: ValidatableBody {
        var step: String?

        func validate(_ v: inout Validator) {
            v.text(step, "step", maxLength: 64)
        }
    }

    /// `POST /skip-step` `{step}`: unknown → 422 `unknown_step`, `company_profile` → 422 `step_not_skippable`,
    /// completed → 409 `step_already_completed`; skipping a skipped step changes nothing.
    @Sendable func skipStep(_ request: Request, context: PlatformRequestContext) async throws -> OnboardingAnswer {
        let scope = try context.adminTenant(Permission.workspaceUpdate)
        let step = try await request.decodeValid(as: SkipBody.self, context: context).step ?? ""
        _ = try OnboardingSteps(steps: Self.steps, status: "", completed: [], skipped: []).requireKnown(step)
        return try await transition(scope, context, action: "onboarding.company_step_skipped", "Onboarding step \(step) skipped") { row, connection in
            try Self.requireStarted(row)
            let machine = Self.machine(row)
            try machine.requireOpen()
            try machine.requireSkippable(step)
            try await repository.skip(workspaceID: scope.companyID, step: step, on: connection)
        }
    }

    /// `POST /complete`: every step completed or skipped, else 409 `onboarding_incomplete` (with `pending_steps`).
    /// Sets `workspaces.onboarding_completed_at`.
    @Sendable func complete(_ request: Request, context: PlatformRequestContext) async throws -> OnboardingAnswer {
        let scope = try context.adminTenant(Permission.workspaceUpdate)
        return try await transition(scope, context, action: "onboarding.company_completed", "Company onboarding completed") { row, connection in
            try Self.requireStarted(row)
            try Self.machine(row).requireCompletable()
            try await repository.complete(workspaceID: scope.companyID, userID: scope.userID, on: connection)
        }
    }

    /// `GET /context-health`: the score of `OnboardingHealth.company` (formula in the contract).
    @Sendable func contextHealth(_ request: Request, context: PlatformRequestContext) async throws -> OnboardingAnswer {
        let scope = try context.tenant(permission: Permission.workspaceRead)
        guard let facts = try await repository.healthFacts(workspaceID: scope.companyID) else { throw APIError.notFound("workspace") }
        return OnboardingAnswer(OnboardingHealth.answer(OnboardingHealth.company(facts)))
    }

    static func requireStarted(_ row: CompanyOnboardingRepository.Row) throws {
        if !row.started { throw APIError.conflict("onboarding_not_started", "Start onboarding first (POST /onboarding/company/start).") }
    }

    /// One transaction: lock the workspace, apply `change` to the current state, record the activity, answer the new state.
    func transition(_ scope: (companyID: UUID, userID: UUID), _ context: PlatformRequestContext, action: String, _ description: String,
                    change: @Sendable @escaping (CompanyOnboardingRepository.Row, PostgresConnection) async throws -> Void) async throws -> OnboardingAnswer {
        try await transitionReturning(scope, context, action: action, description) { row, connection in try await change(row, connection); return true }.0
    }

    func transitionReturning<T: Sendable>(_ scope: (companyID: UUID, userID: UUID), _ context: PlatformRequestContext, action: String,
                                          _ description: String, change: @Sendable @escaping (CompanyOnboardingRepository.Row, PostgresConnection) async throws -> T) async throws -> (OnboardingAnswer, T) {
        let identity = try context.requireIdentity()
        let (row, value) = try await database.transaction { connection in
            guard let row = try await repository.locked(workspaceID: scope.companyID, on: connection) else { throw APIError.notFound("workspace") }
            let value = try await change(row, connection)
            try await workspaces.recordActivity(workspaceID: scope.companyID, userID: scope.userID, actor: identity.actor, action: action,
                                                entityType: "onboarding", entityID: "company", description: description, on: connection)
            return (try await repository.locked(workspaceID: scope.companyID, on: connection), value)
        }
        guard let row else { throw APIError.notFound("workspace") }
        return (Self.answer(row), value)
    }
}
