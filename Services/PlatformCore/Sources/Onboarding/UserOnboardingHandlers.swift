import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import PostgresNIO

/// User Onboarding (`/api/v1/onboarding/user`, jwt+org): each member's own state machine in the workspace — identity
/// (1), role (2), personality (3), preferences (4), complete (5). Steps go in order (a later step before the earlier
/// ones are done or skipped → 409 `step_out_of_order`); identity cannot be skipped. Needs `workspace.read` (every role).
/// The personality profile would need a model: with none configured it answers 503 `provider_not_configured` after
/// the answers are checked, and the step can be skipped.
struct UserOnboardingHandlers {
    let database: Database
    let users: UserRepository
    let workspaces: WorkspaceRepository
    var repository: UserOnboardingRepository { UserOnboardingRepository(database: database) }

    static let steps: [OnboardingSteps.Step] = [
        .init(key: "identity", title: "Identity", skippable: false),
        .init(key: "role", title: "Role", skippable: true),
        .init(key: "personality", title: "Personality", skippable: true),
        .init(key: "preferences", title: "Preferences", skippable: true),
    ]
    static let seniorities = ["intern", "junior", "mid", "senior", "lead", "manager", "director", "executive"]
    static let frequencies = ["instant", "daily", "weekly", "never"]
    static let channels = ["in_app", "email", "whatsapp"]
    static let themes = ["light", "dark", "system"]

    static func machine(_ row: UserOnboardingRepository.Row) -> OnboardingSteps {
        OnboardingSteps(steps: steps, status: row.status, completed: row.completed, skipped: row.skipped)
    }

    static func answer(_ row: UserOnboardingRepository.Row) -> OnboardingAnswer {
        guard case .object(var object) = machine(row).json else { return OnboardingAnswer(.null) }
        object["started_at"] = .date(row.startedAt)
        object["completed_at"] = .date(row.completedAt)
        object["answers"] = .object([
            "full_name": .text(row.fullName), "display_name": .text(row.displayName), "phone": .text(row.phone),
            "timezone": .text(row.timezone), "locale": .text(row.locale), "bio": .text(row.bio),
            "job_title": .text(row.memberTitle), "department": .text(row.department), "seniority": .text(row.seniority),
            "responsibilities": .text(row.responsibilities), "years_experience": .int(row.yearsExperience),
            "notification_frequency": .text(row.notificationFrequency), "theme": .text(row.theme),
            "communication_channels": .texts(row.communicationChannels), "interests": .texts(row.interests),
        ])
        return OnboardingAnswer(.object(object))
    }

    /// `GET /status`.
    @Sendable func status(_ request: Request, context: PlatformRequestContext) async throws -> OnboardingAnswer {
        let scope = try context.tenant(permission: Permission.workspaceRead)
        guard let row = try await repository.find(workspaceID: scope.companyID, userID: scope.userID) else { throw APIError.notFound("member") }
        return Self.answer(row)
    }

    struct IdentityBody: ValidatableBody {
        var fullName: String?
        var displayName: String?
        var phone: String?
        var timezone: String?
        var locale: String?
        var bio: String?

        func validate(_ v: inout Validator) {
            v.text(fullName, "full_name", maxLength: 200)
            v.text(displayName, "display_name", required: false, maxLength: 100)
            v.text(phone, "phone", required: false, maxLength: 50)
            v.text(timezone, "timezone", required: false, maxLength: 64)
            if let timezone { v.check(TimeZone(identifier: timezone) != nil, "timezone", "invalid_timezone", "Must be an IANA time zone.") }
            v.text(locale, "locale", required: false, maxLength: 35)
            if let bio { v.check(bio.unicodeScalars.count <= 2000, "bio", "too_long", "At most 2000 characters.") }
        }
    }

    /// `POST /identity` (step 1): the account's profile (name, display name, phone, time zone, locale, bio).
    @Sendable func identity(_ request: Request, context: PlatformRequestContext) async throws -> OnboardingAnswer {
        let scope = try context.tenant(permission: Permission.workspaceRead)
        let body = try await request.decodeValid(as: IdentityBody.self, context: context)
        var patch = UserRepository.ProfilePatch()
        patch.fullName = body.fullName?.trimmingCharacters(in: .whitespacesAndNewlines)
        patch.displayName = body.displayName
        patch.phone = body.phone
        patch.timezone = body.timezone
        patch.locale = body.locale
        patch.bio = body.bio
        let profile = patch
        return try await step("identity", scope, context) { connection in
            _ = try await users.update(userID: scope.userID, patch: profile, on: connection)
        }
    }

    struct RoleBody: ValidatableBody {
        var jobTitle: String?
        var department: String?
        var seniority: String?
        var responsibilities: String?
        var yearsExperience: Int?

        func validate(_ v: inout Validator) {
            v.text(jobTitle, "job_title", maxLength: 200)
            v.text(department, "department", required: false, maxLength: 200)
            v.oneOf(seniority, "seniority", UserOnboardingHandlers.seniorities)
            if let responsibilities { v.check(responsibilities.unicodeScalars.count <= 2000, "responsibilities", "too_long", "At most 2000 characters.") }
            v.range(yearsExperience, "years_experience", 0...80)
        }
    }

    /// `POST /role` (step 2): job title and department (the member's profile in this workspace) and the role answers.
    @Sendable func role(_ request: Request, context: PlatformRequestContext) async throws -> OnboardingAnswer {
        let scope = try context.tenant(permission: Permission.workspaceRead)
        let body = try await request.decodeValid(as: RoleBody.self, context: context)
        let fields = UserOnboardingRepository.RoleFields(title: body.jobTitle?.trimmingCharacters(in: .whitespacesAndNewlines),
                                                         department: body.department, seniority: body.seniority,
                                                         responsibilities: body.responsibilities, yearsExperience: body.yearsExperience)
        return try await step("role", scope, context) { connection in
            try await repository.updateRole(workspaceID: scope.companyID, userID: scope.userID, fields, on: connection)
        }
    }

    struct PersonalityAnswer: Decodable, Sendable {
        var questionId: String?
        var value: Int?
    }

    struct PersonalityBody: ValidatableBody {
        var answers: [PersonalityAnswer]?

        func validate(_ v: inout Validator) {
            guard let answers else { return v.add("answers", "required", "This field is required.") }
            v.check((1...100).contains(answers.count), "answers", "out_of_range", "Give 1…100 answers.")
            for (index, answer) in answers.prefix(100).enumerated() {
                v.text(answer.questionId, "answers[\(index)].question_id", maxLength: 64)
                if let value = answer.value { v.range(value, "answers[\(index)].value", 1...5) } else { v.add("answers[\(index)].value", "required", "This field is required.") }
            }
        }
    }

    /// `POST /personality` (step 3): generating the profile needs an AI model; none is configured, so after the
    /// answers and the step order are checked this answers 503 `provider_not_configured` (skip the step instead).
    @Sendable func personality(_ request: Request, context: PlatformRequestContext) async throws -> OnboardingAnswer {
        let scope = try context.tenant(permission: Permission.workspaceRead)
        _ = try await request.decodeValid(as: PersonalityBody.self, context: context)
        guard let row = try await repository.find(workspaceID: scope.companyID, userID: scope.userID) else { throw APIError.notFound("member") }
        let machine = Self.machine(row)
        try machine.requireOpen()
        try machine.requireInOrder("personality")
        throw APIError.providerNotConfigured("AI model (personality profile)")
    }

    struct PreferencesBody: ValidatableBody {
        var notificationFrequency: String?
        var communicationChannels: [String]?
        var interests: [String]?
        var theme: String?

        func validate(_ v: inout Validator) {
            v.oneOf(notificationFrequency, "notification_frequency", UserOnboardingHandlers.frequencies)
            v.oneOf(theme, "theme", UserOnboardingHandlers.themes)
            if let communicationChannels {
                v.check(communicationChannels.count <= 3 && communicationChannels.allSatisfy(UserOnboardingHandlers.channels.contains),
                        "communication_channels", "invalid_choice", "Channels: \(UserOnboardingHandlers.channels.joined(separator: ", ")).")
            }
            v.labels(interests, "interests", maxCount: 30, maxLength: 100)
        }
    }

    /// `POST /preferences` (step 4).
    @Sendable func preferences(_ request: Request, context: PlatformRequestContext) async throws -> OnboardingAnswer {
        let scope = try context.tenant(permission: Permission.workspaceRead)
        let body = try await request.decodeValid(as: PreferencesBody.self, context: context)
        let fields = UserOnboardingRepository.PreferenceFields(
            notificationFrequency: body.notificationFrequency, theme: body.theme,
            communicationChannels: body.communicationChannels.map { Array(Set($0)).sorted() }, interests: body.interests)
        return try await step("preferences", scope, context) { connection in
            try await repository.updatePreferences(workspaceID: scope.companyID, userID: scope.userID, fields, on: connection)
        }
    }

    /// `POST /skip-step` `{step}`: unknown → 422 `unknown_step`, identity → 422 `step_not_skippable`, completed → 409
    /// `step_already_completed`, out of order → 409 `step_out_of_order`.
    @Sendable func skipStep(_ request: Request, context: PlatformRequestContext) async throws -> OnboardingAnswer {
        let scope = try context.tenant(permission: Permission.workspaceRead)
        let key = try await request.decodeValid(as: CompanyOnboardingHandlers.SkipBody.self, context: context).step ?? ""
        _ = try OnboardingSteps(steps: Self.steps, status: "", completed: [], skipped: []).requireKnown(key)
        return try await transition(scope, context, action: "onboarding.user_step_skipped", "Onboarding step \(key) skipped") { row, connection in
            let machine = Self.machine(row)
            try machine.requireOpen()
            try machine.requireSkippable(key)
            try machine.requireInOrder(key)
            try await repository.skip(workspaceID: scope.companyID, userID: scope.userID, step: key, on: connection)
        }
    }

    /// `POST /complete` (step 5): nothing pending, else 409 `onboarding_incomplete`; sets the membership's
    /// `onboarding_completed_at` (what `GET /members/me` shows).
    @Sendable func complete(_ request: Request, context: PlatformRequestContext) async throws -> OnboardingAnswer {
        let scope = try context.tenant(permission: Permission.workspaceRead)
        return try await transition(scope, context, action: "onboarding.user_completed", "Personal onboarding completed") { row, connection in
            try Self.machine(row).requireCompletable()
            try await repository.complete(workspaceID: scope.companyID, userID: scope.userID, on: connection)
        }
    }

    /// `GET /profile-health`: the score of `OnboardingHealth.user` (formula in the contract).
    @Sendable func profileHealth(_ request: Request, context: PlatformRequestContext) async throws -> OnboardingAnswer {
        let scope = try context.tenant(permission: Permission.workspaceRead)
        guard let row = try await repository.find(workspaceID: scope.companyID, userID: scope.userID) else { throw APIError.notFound("member") }
        return OnboardingAnswer(OnboardingHealth.answer(OnboardingHealth.user(row.healthFacts)))
    }

    /// A step's write: open, in order, the change, the step marked completed — one transaction.
    func step(_ key: String, _ scope: (companyID: UUID, userID: UUID), _ context: PlatformRequestContext,
              change: @Sendable @escaping (PostgresConnection) async throws -> Void) async throws -> OnboardingAnswer {
        try await transition(scope, context, action: "onboarding.user_step_completed", "Onboarding step \(key) saved") { row, connection in
            let machine = Self.machine(row)
            try machine.requireOpen()
            try machine.requireInOrder(key)
            try await repository.completeStep(workspaceID: scope.companyID, userID: scope.userID, step: key, on: connection)
            try await change(connection)
        }
    }

    func transition(_ scope: (companyID: UUID, userID: UUID), _ context: PlatformRequestContext, action: String, _ description: String,
                    change: @Sendable @escaping (UserOnboardingRepository.Row, PostgresConnection) async throws -> Void) async throws -> OnboardingAnswer {
        let identity = try context.requireIdentity()
        let row = try await database.transaction { connection in
            guard let row = try await repository.locked(workspaceID: scope.companyID, userID: scope.userID, on: connection) else {
                throw APIError.notFound("member")
            }
            try await change(row, connection)
            try await workspaces.recordActivity(workspaceID: scope.companyID, userID: scope.userID, actor: identity.actor, action: action,
                                                entityType: "onboarding", entityID: "user", description: description, on: connection)
            return try await repository.locked(workspaceID: scope.companyID, userID: scope.userID, on: connection)
        }
        guard let row else { throw APIError.notFound("member") }
        return Self.answer(row)
    }
}
