import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PlatformCore
import PostgresNIO
import Testing

@Suite("Members: list, directory, one member")
struct MembersTests {
    @Test func listSearchesFiltersAndPages() async throws {
        let h = try await Harness.make()
        let crew = try await Crew.make(h)
        let invited = try await h.user("pending.person@example.com", name: "Pat Pending")
        _ = try await h.invite(invited, to: crew.workspace, by: crew.owner)
        let gone = try await h.user(name: "Gone Person")
        try await h.addMember(gone, to: crew.workspace, role: "member", status: "removed")
        try await h.run { api async throws in
            let asViewer = try await crew.client(api, as: crew.viewer)
            let all = try await asViewer.get("/api/v1/members")
            #expect(all.status == .ok)
            #expect(all.json["total"]?.int == 5, "owner, admin, member, viewer, invited — not the removed one, not the stranger")
            let names = all.json["items"]?.arrayValue?.compactMap { $0["full_name"]?.string } ?? []
            #expect(names == ["Adam Admin", "Mia Member", "Olivia Owner", "Pat Pending", "Victor Viewer"])
            let first = all.json["items"]?[0]
            #expect(first?["id"]?.uuid == (try await crew.memberID(crew.admin)))
            #expect(first?["user_id"]?.uuid == crew.admin.id)
            #expect(first?["role"] == "admin")
            #expect(first?["is_active"] == true)

            let search = try await asViewer.get("/api/v1/members?search=MIA")
            #expect(search.json["total"]?.int == 1)
            #expect(search.json["items"]?[0]?["email"]?.string == crew.member.email)
            let byEmail = try await asViewer.get("/api/v1/members?search=pending.person")
            #expect(byEmail.json["items"]?[0]?["status"] == "invited")
            #expect(try await asViewer.get("/api/v1/members?search=%25").json["total"]?.int == 0, "% is taken literally")

            let inactive = try await asViewer.get("/api/v1/members?is_active=false")
            #expect(inactive.json["total"]?.int == 1)
            #expect(inactive.json["items"]?[0]?["is_active"] == false)
            #expect(try await asViewer.get("/api/v1/members?is_active=true").json["total"]?.int == 4)

            let page = try await asViewer.get("/api/v1/members?skip=1&limit=2")
            #expect(page.json["items"]?.arrayValue?.count == 2)
            #expect(page.json["items"]?[0]?["full_name"] == "Mia Member")
            #expect(page.json["skip"]?.int == 1)
            #expect(page.json["limit"]?.int == 2)
            let past = try await asViewer.get("/api/v1/members?skip=50")
            #expect(past.json["items"]?.arrayValue?.isEmpty == true)
            #expect(past.json["total"]?.int == 5, "the total comes back past the last page too")

            let bad = try await asViewer.get("/api/v1/members?limit=0&is_active=maybe")
            #expect(bad.status == .badRequest)
            #expect(bad.errorCode == "invalid_query")
            #expect(Set(bad.json["error"]?["details"]?.arrayValue?.compactMap { $0["field"]?.string } ?? []) == ["limit", "is_active"])

            // The stranger's workspace shows only its own people.
            let theirs = try await crew.client(api, as: crew.stranger, in: crew.otherWorkspace).get("/api/v1/members")
            #expect(theirs.json["total"]?.int == 1)
            // Not a member here at all.
            #expect(try await crew.client(api, as: crew.stranger).get("/api/v1/members").errorCode == "not_a_member")

            try await h.revoke(Permission.membersRead, from: "viewer", in: crew.workspace)
            let denied = try await asViewer.get("/api/v1/members")
            #expect(denied.status == .forbidden)
            #expect(denied.errorCode == "permission_denied")
        }
    }

    @Test func directoryListsActiveMembersWithMinimalFields() async throws {
        let h = try await Harness.make()
        let crew = try await Crew.make(h)
        let suspended = try await h.user(name: "Sue Suspended")
        try await h.addMember(suspended, to: crew.workspace, role: "member", status: "suspended")
        try await h.core.database.query("UPDATE users SET display_name = 'Mimi' WHERE id = \(crew.member.id)")
        try await h.run { api async throws in
            let asMember = try await crew.client(api, as: crew.member)
            let directory = try await asMember.get("/api/v1/members/directory")
            #expect(directory.status == .ok)
            #expect(directory.json["total"]?.int == 4)
            #expect(directory.json["truncated"] == false)
            let entries = directory.json["items"]?.arrayValue ?? []
            #expect(entries.compactMap { $0["full_name"]?.string } == ["Adam Admin", "Mia Member", "Olivia Owner", "Victor Viewer"])
            let mia = entries[1]
            #expect(Set(mia.objectValue?.keys.map { $0 } ?? []) == ["id", "user_id", "email", "full_name", "display_name", "avatar_url", "role"],
                    "minimal fields")
            #expect(mia["avatar_url"] == .null, "sent as null while unset (issue 13, item 15)")
            #expect(mia["display_name"] == "Mimi")
            #expect(mia["id"]?.uuid == (try await crew.memberID(crew.member)))

            try await h.revoke(Permission.membersRead, from: "member", in: crew.workspace)
            #expect(try await asMember.get("/api/v1/members/directory").errorCode == "permission_denied")
        }
    }

    @Test func oneMemberByIDIsScopedToTheWorkspace() async throws {
        let h = try await Harness.make()
        let crew = try await Crew.make(h)
        try await h.run { api async throws in
            let asViewer = try await crew.client(api, as: crew.viewer)
            let memberID = try await crew.memberID(crew.member)
            let found = try await asViewer.get("/api/v1/members/\(memberID)")
            #expect(found.status == .ok)
            #expect(found.json["email"]?.string == crew.member.email)
            #expect(found.json["workspace_id"]?.uuid == crew.workspace.id)
            #expect(found.json["role"] == "member")

            let foreign = try await crew.memberID(crew.stranger, in: crew.otherWorkspace)
            #expect(try await asViewer.get("/api/v1/members/\(foreign)").status == .notFound)
            #expect(try await asViewer.get("/api/v1/members/not-a-uuid").status == .notFound)
            #expect(try await asViewer.get("/api/v1/members/\(UUID())").status == .notFound)

            try await h.core.database.query("UPDATE memberships SET status = 'removed' WHERE id = \(memberID)")
            #expect(try await asViewer.get("/api/v1/members/\(memberID)").status == .notFound, "removed members are history")

            try await h.revoke(Permission.membersRead, from: "viewer", in: crew.workspace)
            #expect(try await asViewer.get("/api/v1/members/\(try await crew.memberID(crew.admin))").errorCode == "permission_denied")
        }
    }

    @Test func myMemberRecordCarriesProfileToursAndAccess() async throws {
        let h = try await Harness.make()
        let crew = try await Crew.make(h)
        try await h.core.database.query("""
            UPDATE memberships SET title = 'Booker', department = 'Programming',
                tours = '{"welcome": {"completed": true, "skipped": false, "completed_at": "2026-01-02T03:04:05.000Z"}}'
            WHERE user_id = \(crew.viewer.id) AND workspace_id = \(crew.workspace.id)
            """)
        try await h.revoke(Permission.membersRead, from: "viewer", in: crew.workspace)
        try await h.run { api async throws in
            let me = try await crew.client(api, as: crew.viewer).get("/api/v1/members/me")
            #expect(me.status == .ok, "no permission beyond membership is needed")
            #expect(me.json["id"]?.uuid == (try await crew.memberID(crew.viewer)))
            #expect(me.json["user_id"]?.uuid == crew.viewer.id)
            #expect(me.json["role"] == "viewer")
            #expect(me.json["title"] == "Booker")
            #expect(me.json["department"] == "Programming")
            #expect(me.json["full_name"] == "Victor Viewer")
            #expect(me.json["joined_at"]?.string != nil)
            #expect(me.json["tours"]?["welcome"]?["completed"] == true)
            #expect(me.json["tours"]?["welcome"]?["completed_at"] == "2026-01-02T03:04:05.000Z")
            let permissions = me.json["permissions"]?.arrayValue?.compactMap(\.string) ?? []
            #expect(permissions.contains(Permission.teamsRead))
            #expect(!permissions.contains(Permission.membersRead))
            #expect(me.json["modules"]?.arrayValue?.isEmpty == false)
            #expect(try await api.with(token: try await h.token(for: crew.viewer)).get("/api/v1/members/me").errorCode == "tenant_required")
        }
    }
}
