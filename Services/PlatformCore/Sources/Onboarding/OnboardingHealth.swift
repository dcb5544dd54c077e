import Foundation
import KisumKernel

/// The two health scores, computed from stored data only (no model): a list of weighted checks, the score is
/// the sum of the weights of the checks that hold (0…100). The contract documents the same tables; the tests
/// pin them with fixed answers, so changing a weight is a contract change.
enum OnboardingHealth {
    struct Check: Sendable {
        var key: String
        var weight: Int
        var met: Bool
    }

    /// What the company context score reads (one query: `CompanyOnboardingRepository.healthFacts`).
    struct CompanyFacts: Sendable {
        var description, website, logoURL, timezone, currency: String?
        var industry, companySize, targetAudience, valueProposition, productsServices: String?
        var activeMembers: Int
        var goals: Int
        var enabledModules: Int
    }

    /// Company context health: profile 40 (description, website, logo, time zone, currency: 8 each), context 30
    /// (industry, company size, target audience, value proposition, products and services: 6 each), people 15
    /// (at least 2 active members: 10, at least 5: 5 more), goals 10 (at least one), modules 5 (at least 2 enabled).
    static func company(_ f: CompanyFacts) -> [Check] {
        [
            Check(key: "description", weight: 8, met: present(f.description)),
            Check(key: "website", weight: 8, met: present(f.website)),
            Check(key: "logo", weight: 8, met: present(f.logoURL)),
            Check(key: "timezone", weight: 8, met: present(f.timezone)),
            Check(key: "currency", weight: 8, met: present(f.currency)),
            Check(key: "industry", weight: 6, met: present(f.industry)),
            Check(key: "company_size", weight: 6, met: present(f.companySize)),
            Check(key: "target_audience", weight: 6, met: present(f.targetAudience)),
            Check(key: "value_proposition", weight: 6, met: present(f.valueProposition)),
            Check(key: "products_services", weight: 6, met: present(f.productsServices)),
            Check(key: "team_members", weight: 10, met: f.activeMembers >= 2),
            Check(key: "team_size", weight: 5, met: f.activeMembers >= 5),
            Check(key: "goals", weight: 10, met: f.goals >= 1),
            Check(key: "modules", weight: 5, met: f.enabledModules >= 2),
        ]
    }

    /// What the profile score reads: the user's profile and their membership here.
    struct UserFacts: Sendable {
        var fullName, displayName, phone, bio, timezone, locale, avatarURL: String?
        /// The membership's title, else the account's.
        var title: String?
        var department: String?
    }

    /// User profile health: full name 20, avatar 15, job title 15, bio 15, phone 10, time zone 10, department 10,
    /// locale 5 (display name is not scored: it falls back to the full name).
    static func user(_ f: UserFacts) -> [Check] {
        [
            Check(key: "full_name", weight: 20, met: present(f.fullName)),
            Check(key: "avatar", weight: 15, met: present(f.avatarURL)),
            Check(key: "title", weight: 15, met: present(f.title)),
            Check(key: "bio", weight: 15, met: present(f.bio)),
            Check(key: "phone", weight: 10, met: present(f.phone)),
            Check(key: "timezone", weight: 10, met: present(f.timezone)),
            Check(key: "department", weight: 10, met: present(f.department)),
            Check(key: "locale", weight: 5, met: present(f.locale)),
        ]
    }

    static func present(_ value: String?) -> Bool {
        guard let value else { return false }
        return !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    }

    /// 0…100 (the weights sum to 100).
    static func score(_ checks: [Check]) -> Int {
        checks.reduce(0) { $0 + ($1.met ? $1.weight : 0) }
    }

    /// low below 40, medium below 75, high from 75.
    static func level(_ score: Int) -> String {
        score < 40 ? "low" : score < 75 ? "medium" : "high"
    }

    static func answer(_ checks: [Check]) -> JSONValue {
        let score = score(checks)
        return .object([
            "score": .number(Double(score)),
            "level": .string(level(score)),
            "max_score": 100,
            "components": .array(checks.map { check in
                .object(["key": .string(check.key), "weight": .number(Double(check.weight)), "met": .bool(check.met),
                         "earned": .number(Double(check.met ? check.weight : 0))])
            }),
            "missing": .array(checks.filter { !$0.met }.map { .string($0.key) }),
        ])
    }
}
