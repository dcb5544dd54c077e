import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing

/// Base's Notifications group (issue 14: "Base's Notifications view of [the user's ONE notification inbox in Platform
/// Core] … calling Platform Core with the caller's user id and company (no second store); Platform Core down → 503;
/// another user's notification → 404"). Spec operations: List notifications, Unread notification count, Mark a
/// notification as read, Mark all notifications as read, Delete a notification, Notification settings.
@Suite("Base: notifications")
struct NotificationsTests {
    /// Alice and Bob in company A (Base's module only, no permission), Carol in company B.
    static func withInbox(_ body: @Sendable @escaping (FakePlatformInbox, People) async throws -> Void) async throws {
        let fake = FakePlatformInbox()
        let harness = try await ServiceTestHarness(BaseService.self, settings: fake.settings)
        let companyA = UUID()
        let companyB = UUID()
        let alice = harness.member(of: companyA, permissions: [], modules: ["basic"])
        let bob = harness.member(of: companyA, permissions: [], modules: ["basic"])
        let carol = harness.member(of: companyB, permissions: [], modules: ["basic"])
        let outsider = harness.member(of: companyA, permissions: ["basic.artists.read"], modules: ["venue"])
        try await harness.run { client in
            try await body(fake, People(raw: APITestClient(client), companyA: companyA, companyB: companyB, alice: alice.user, bob: bob.user,
                                        carol: carol.user, asAlice: APITestClient(client, token: alice.token, org: companyA),
                                        asBob: APITestClient(client, token: bob.token, org: companyA),
                                        asCarol: APITestClient(client, token: carol.token, org: companyB),
                                        withoutBase: APITestClient(client, token: outsider.token, org: companyA)))
        }
    }

    struct People: Sendable {
        var raw: APITestClient
        var companyA: UUID
        var companyB: UUID
        var alice: UUID
        var bob: UUID
        var carol: UUID
        var asAlice: APITestClient
        var asBob: APITestClient
        var asCarol: APITestClient
        var withoutBase: APITestClient
    }

    @Test func listsTheCallersOwnNotificationsFromPlatformCore() async throws {
        try await Self.withInbox { fake, p in
            for n in 1...3 { fake.add("Task \(n)", user: p.alice, company: p.companyA, read: n == 1) }
            fake.add("Bob's", user: p.bob, company: p.companyA)
            fake.add("Alice elsewhere", user: p.alice, company: p.companyB)

            let list = try await p.asAlice.get("/api/notifications")
            #expect(list.status == .ok)
            #expect(list.json["total"] == 3)
            #expect(list.json["page"] == 1)
            #expect(list.json["limit"] == 20)
            let items = list.json["items"]?.arrayValue ?? []
            #expect(items.compactMap { $0["title"]?.stringValue } == ["Task 3", "Task 2", "Task 1"])
            #expect(items.first?["companyId"]?.uuid == p.companyA)
            #expect(items.first?["isRead"] == false)
            #expect(items.first?["actionUrl"] == "/tasks/t-1")
            #expect(items.first?["data"] == ["task_id": "t-1"])
            #expect(items.first?["readAt"] == .null)
            #expect(items.last?["readAt"]?.stringValue != nil)

            let page = try await p.asAlice.get("/api/notifications?page=2&limit=2&unreadOnly=true")
            #expect(page.json["total"] == 2)
            #expect(page.json["items"]?.arrayValue?.count == 0)
            #expect(fake.seen.last?.contains("unread_only=true") == true)
            #expect(fake.seen.last?.contains("offset=2") == true)
            #expect(fake.seen.last?.contains("/internal/users/\(p.alice.uuidString.lowercased())/notifications") == true)

            for bad in ["limit=0", "limit=101", "page=0", "page=10001", "unreadOnly=maybe", "limit="] {
                #expect(try await p.asAlice.get("/api/notifications?\(bad)").status == .badRequest, "\(bad)")
            }
            #expect(try await p.asCarol.get("/api/notifications").json["total"] == 0)
            #expect(try await p.asBob.get("/api/notifications/unread-count").json == ["count": 1])
            #expect(try await p.asAlice.get("/api/notifications/unread-count").json == ["count": 2])
        }
    }

    @Test func readAndDeleteOnlyTheCallersOwn() async throws {
        try await Self.withInbox { fake, p in
            let mine = fake.add("Mine", user: p.alice, company: p.companyA)
            let other = fake.add("Other", user: p.alice, company: p.companyA)
            let bobs = fake.add("Bob's", user: p.bob, company: p.companyA)

            let read = try await p.asAlice.patch("/api/notifications/\(mine)/read", [:])
            #expect(read.status == .ok)
            #expect(read.json["isRead"] == true)
            #expect(read.json["readAt"]?.stringValue != nil)
            // Another user's, another company's caller, a malformed id: 404.
            let foreign = try await p.asAlice.patch("/api/notifications/\(bobs)/read", [:])
            #expect(foreign.status == .notFound)
            #expect(foreign.errorCode == "notification_not_found")
            #expect(try await p.asCarol.patch("/api/notifications/\(mine)/read", [:]).status == .notFound)
            #expect(try await p.asAlice.patch("/api/notifications/not-an-id/read", [:]).status == .notFound)

            #expect(try await p.asAlice.patch("/api/notifications/read-all", [:]).json == ["updated": 1])
            #expect(try await p.asAlice.patch("/api/notifications/read-all", [:]).json == ["updated": 0])
            #expect(try await p.asBob.get("/api/notifications/unread-count").json["count"] == 1)

            #expect(try await p.asBob.delete("/api/notifications/\(other)").status == .notFound)
            #expect(try await p.asCarol.delete("/api/notifications/\(other)").status == .notFound)
            #expect(try await p.asAlice.delete("/api/notifications/\(other)").status == .noContent)
            #expect(try await p.asAlice.delete("/api/notifications/\(other)").status == .notFound)
            #expect(try await p.asAlice.get("/api/notifications").json["total"] == 1)
        }
    }

    @Test func settingsComeFromPlatformCore() async throws {
        try await Self.withInbox { _, p in
            let settings = try await p.asAlice.get("/api/notifications/settings")
            #expect(settings.status == .ok)
            #expect(settings.json["emailDeliveryMode"] == "digest")
            #expect(settings.json["digestFrequencyMinutes"] == 30)
            #expect(settings.json["preferences"]?[0] == ["eventType": "task.assigned", "category": "Assigned Actions", "label": "Task assigned",
                                                         "inAppEnabled": true, "emailEnabled": false, "whatsappEnabled": false, "muted": false])
        }
    }

    @Test func signedInMembersOfBaseOnly() async throws {
        try await Self.withInbox { _, p in
            let id = UUID()
            for (method, path) in [(HTTPRequest.Method.get, "/api/notifications"), (.get, "/api/notifications/unread-count"),
                                   (.get, "/api/notifications/settings"), (.patch, "/api/notifications/read-all"),
                                   (.patch, "/api/notifications/\(id)/read"), (.delete, "/api/notifications/\(id)")] {
                #expect(try await p.raw.request(method, path).status == .unauthorized, "\(path)")
                #expect(try await p.raw.with(org: p.companyA).request(method, path).status == .unauthorized, "\(path)")
                let refused = try await p.withoutBase.request(method, path)
                #expect(refused.status == .forbidden, "\(path)")
                #expect(refused.errorCode == "module_disabled", "\(path)")
                #expect(try await p.asAlice.with(org: nil).request(method, path).status == .badRequest, "\(path)")
            }
        }
    }

    @Test func platformCoreDownIs503() async throws {
        try await Self.withInbox { fake, p in
            let id = fake.add("Mine", user: p.alice, company: p.companyA)
            for mode in [FakePlatformInbox.Mode.unreachable, .failing] {
                fake.mode = mode
                for (method, path) in [(HTTPRequest.Method.get, "/api/notifications"), (.get, "/api/notifications/unread-count"),
                                       (.get, "/api/notifications/settings"), (.patch, "/api/notifications/read-all"),
                                       (.patch, "/api/notifications/\(id)/read"), (.delete, "/api/notifications/\(id)")] {
                    let answer = try await p.asAlice.request(method, path)
                    #expect(answer.status == .serviceUnavailable, "\(path)")
                    #expect(answer.errorCode == "platform_core_unavailable", "\(path)")
                }
            }
        }
    }

    @Test func withoutPlatformCoreConfiguredIs503() async throws {
        let harness = try await ServiceTestHarness(BaseService.self, settings: BaseSettings())
        let company = UUID()
        let member = harness.member(of: company, permissions: [], modules: ["basic"])
        try await harness.run { client in
            let answer = try await APITestClient(client, token: member.token, org: company).get("/api/notifications")
            #expect(answer.status == .serviceUnavailable)
            #expect(answer.errorCode == "platform_core_unavailable")
        }
    }
}
