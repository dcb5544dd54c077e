import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import PlatformCore

/// A workspace with one member of each role and their tokens, for the Permissions, API Keys and
/// Module Settings tests.
struct AccessCrew {
    let workspace: Workspace
    let owner: User
    let admin: User
    let member: User
    let viewer: User
    let tokens: [String: String]

    static func make(_ h: Harness) async throws -> AccessCrew {
        let owner = try await h.user()
        let workspace = try await h.workspace(owner: owner)
        let admin = try await h.user()
        let member = try await h.user()
        let viewer = try await h.user()
        try await h.addMember(admin, to: workspace, role: "admin")
        try await h.addMember(member, to: workspace, role: "member")
        try await h.addMember(viewer, to: workspace, role: "viewer")
        var tokens: [String: String] = [:]
        for (role, user) in [("owner", owner), ("admin", admin), ("member", member), ("viewer", viewer)] {
            tokens[role] = try await h.token(for: user)
        }
        return AccessCrew(workspace: workspace, owner: owner, admin: admin, member: member, viewer: viewer, tokens: tokens)
    }

    /// `api` as the crew member with `role`, in the crew's workspace.
    func client(_ api: APITestClient, _ role: String) -> APITestClient {
        api.with(token: tokens[role]).workspaceHeader(workspace.id)
    }
}

extension TestResponse {
    /// `X-Total-Count` of a plain-array list (the rows the filters match, beyond the page too).
    var totalCount: Int? { headers[HTTPField.Name("X-Total-Count")!].flatMap { Int($0) } }

    /// `error.details[].code` of an error response.
    var errorDetailCodes: [String] {
        json["error"]?["details"]?.arrayValue?.compactMap { $0["code"]?.stringValue } ?? []
    }
}

extension JSONValue {
    /// The strings of a JSON array (empty otherwise).
    var strings: [String] { arrayValue?.compactMap(\.stringValue) ?? [] }
}
