import Foundation
import Hummingbird
import KisumKernel

extension UserOnboardingHandlers {
    /// Suggested departments per workspace industry (the company onboarding answer); unknown industries get the general list.
    static let departmentsByIndustry: [String: [String]] = [
        "music": ["Artist Management", "Booking", "Marketing", "Production", "Finance", "Operations"],
        "events": ["Programming", "Production", "Ticketing", "Marketing", "Operations", "Finance"],
        "hospitality": ["Front of House", "Kitchen", "Events", "Sales", "Operations", "Finance"],
    ]
    static let generalDepartments = ["Management", "Sales", "Marketing", "Operations", "Finance", "Engineering", "Support"]

    /// `GET /prefill`: what is already known — the account's profile, the member profile an admin set (the "org
    /// chart": `found_in_org_chart` when a title or department was given before this user's onboarding), the
    /// invitation and the workspace, plus options for the workspace's industry.
    @Sendable func prefill(_ request: Request, context: PlatformRequestContext) async throws -> OnboardingAnswer {
        let scope = try context.tenant(permission: Permission.workspaceRead)
        guard let row = try await repository.find(workspaceID: scope.companyID, userID: scope.userID),
              let extra = try await repository.prefill(workspaceID: scope.companyID, userID: scope.userID) else { throw APIError.notFound("member") }
        let industryKey = extra.industry?.lowercased().trimmingCharacters(in: .whitespaces) ?? ""
        return OnboardingAnswer(.object([
            "found_in_org_chart": .bool(OnboardingHealth.present(row.memberTitle) || OnboardingHealth.present(row.department)),
            "identity": .object(["email": .string(row.email), "full_name": .text(row.fullName), "display_name": .text(row.displayName),
                                 "phone": .text(row.phone), "timezone": .text(row.timezone ?? extra.workspaceTimezone),
                                 "locale": .text(row.locale), "bio": .text(row.bio), "avatar_url": .text(row.avatarURL)]),
            "role": .object(["job_title": .text(row.memberTitle ?? row.accountTitle), "department": .text(row.department),
                             "workspace_role": .string(row.role)]),
            "invitation": extra.invitedAt == nil ? .null : .object([
                "role": .text(extra.invitedRole), "invited_by": .text(extra.invitedByName), "invited_at": .date(extra.invitedAt)]),
            "workspace": .object(["id": .uuid(scope.companyID), "name": .string(extra.workspaceName), "industry": .text(extra.industry),
                                  "timezone": .text(extra.workspaceTimezone)]),
            "options": .object([
                "departments": .texts(Self.departmentsByIndustry[industryKey] ?? Self.generalDepartments),
                "seniorities": .texts(Self.seniorities), "notification_frequencies": .texts(Self.frequencies),
                "communication_channels": .texts(Self.channels), "themes": .texts(Self.themes),
            ]),
        ]))
    }
}
