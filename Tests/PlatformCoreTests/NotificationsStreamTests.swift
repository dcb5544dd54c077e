import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import PlatformCore
import PlatformCoreAPI
import Testing

/// Issue 11: "`GET /api/v1/notifications/stream` is real Server-Sent Events: PostgreSQL LISTEN/NOTIFY (one listening
/// connection per process, fanned out in memory), `Last-Event-ID` resume from stored rows, heartbeats, and no event
/// lost between the catch-up query and the live feed … Unread count and mark-read stay consistent with the stream."
/// The stream is read by curl against the service on a loopback port, as a browser's EventSource would.
@Suite("Platform Core: notification stream", .timeLimit(.minutes(10)))
struct NotificationsStreamTests {
    @Test func concurrentWritersAreStreamedOnceInOrderAcrossAReconnect() async throws {
        let h = try await Harness.make { $0.notificationHeartbeat = .seconds(1) }
        let owner = try await h.user()
        let workspace = try await h.workspace(owner: owner)
        let token = try await h.token(for: owner)
        try await h.service.live { port in
            let client = PlatformNotificationsClient(baseURL: "http://127.0.0.1:\(port)", apiKey: TestDefaults.internalKeys[0], timeout: .seconds(60))
            // Something before the stream opens: a stream without Last-Event-ID starts after it.
            let before = try await Self.produce(client, workspace, owner, writers: 1, each: 1, tag: "before")
            let stream = try EventStreamReader(url: "http://127.0.0.1:\(port)/api/v1/notifications/stream", token: token, maxTime: 120)
            defer { stream.stop() }
            try await stream.waitFor(timeout: .seconds(120)) { $0.contains(": connected") }
            let first = try await Self.produce(client, workspace, owner, writers: 4, each: 25, tag: "first")
            let received = try await stream.notifications(count: 100, timeout: .seconds(600))
            #expect(received.map(\.id) == received.map(\.id).sorted())
            #expect(Set(received.map(\.notificationID)) == first)
            #expect(!received.contains { before.contains($0.notificationID) })

            // Reconnect after the 40th event while more are written: the rest of the first batch and all of the
            // second arrive once, in order.
            stream.stop()
            let resumeAfter = received[39].id
            let second = Task { try await Self.produce(client, workspace, owner, writers: 4, each: 25, tag: "second") }
            let resumed = try EventStreamReader(url: "http://127.0.0.1:\(port)/api/v1/notifications/stream", token: token, lastEventID: resumeAfter, maxTime: 120)
            defer { resumed.stop() }
            let secondIDs = try await second.value
            let rest = try await resumed.notifications(count: 160, timeout: .seconds(600))
            #expect(rest.map(\.id) == rest.map(\.id).sorted())
            #expect(Set(rest.map(\.notificationID)) == Set(received[40...].map(\.notificationID)).union(secondIDs))
            #expect(rest.count == 160)
            #expect(rest.allSatisfy { $0.id > resumeAfter })

            // Mark-read anywhere reaches the stream as the new unread count.
            let updated = try await client.markAllRead(userID: owner.id, companyID: workspace.id)
            #expect(updated == 201)
            try await resumed.waitFor(timeout: .seconds(120)) { $0.contains("\"count\":0") }
            // Idle streams get heartbeats.
            try await resumed.waitFor(timeout: .seconds(60)) { $0.contains(": heartbeat") }
        }
    }

    /// The listening connection is the pool's while a stream is open and goes back when the last one ends: streams
    /// opened and dropped one after another (more of them than the pool has connections) leave the pool usable.
    @Test func theListeningConnectionIsReleasedWhenTheLastStreamEnds() async throws {
        let h = try await Harness.make { $0.notificationHeartbeat = .milliseconds(300) }
        let owner = try await h.user()
        let workspace = try await h.workspace(owner: owner)
        let token = try await h.token(for: owner)
        try await h.service.live { port in
            for _ in 0..<6 {
                let stream = try EventStreamReader(url: "http://127.0.0.1:\(port)/api/v1/notifications/stream", token: token, maxTime: 120)
                try await stream.waitFor(timeout: .seconds(10)) { $0.contains(": connected") }
                stream.stop()
                // The server notices the closed connection at its next heartbeat.
                try await Task.sleep(for: .milliseconds(800))
            }
            let stream = try EventStreamReader(url: "http://127.0.0.1:\(port)/api/v1/notifications/stream", token: token, maxTime: 120)
            defer { stream.stop() }
            try await stream.waitFor(timeout: .seconds(10)) { $0.contains(": connected") }
            let client = PlatformNotificationsClient(baseURL: "http://127.0.0.1:\(port)", apiKey: TestDefaults.internalKeys[0], timeout: .seconds(20))
            let sent = try await Self.produce(client, workspace, owner, writers: 1, each: 3, tag: "after")
            let received = try await stream.notifications(count: 3, timeout: .seconds(20))
            #expect(Set(received.map(\.notificationID)) == sent)
        }
    }

    @Test func streamNeedsATokenAndAValidLastEventID() async throws {
        let h = try await Harness.make()
        let owner = try await h.user()
        let token = try await h.token(for: owner)
        try await h.run { api async throws in
            #expect(try await api.get("/api/v1/notifications/stream").status == .unauthorized)
            let bad = try await api.with(token: token).request(.get, "/api/v1/notifications/stream",
                                                               headers: [HTTPField.Name("Last-Event-ID")!: "12a"])
            #expect(bad.status == .badRequest)
            #expect(bad.errorCode == "invalid_last_event_id")
        }
    }

    /// `writers` concurrent producers, `each` notifications each; the ids created.
    static func produce(_ client: PlatformNotificationsClient, _ workspace: Workspace, _ user: User, writers: Int, each: Int,
                        tag: String) async throws -> Set<UUID> {
        try await withThrowingTaskGroup(of: [UUID].self) { group in
            for writer in 0..<writers {
                group.addTask {
                    var ids: [UUID] = []
                    for n in 0..<each {
                        let answer = try await client.notify(NotificationRequest(
                            companyId: workspace.id, userIds: [user.id], type: "task.assigned", title: "\(tag) \(writer)-\(n)", source: "base"))
                        ids += answer.delivered.compactMap(\.notificationId)
                    }
                    return ids
                }
            }
            var all = Set<UUID>()
            for try await ids in group { all.formUnion(ids) }
            return all
        }
    }
}
