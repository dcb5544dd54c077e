import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel
import Logging
import NIOCore
import PlatformCoreAPI
import ServiceLifecycle

/// `GET /notifications/stream` (`jwt`): Server-Sent Events of the caller's notifications in every workspace.
///
/// - `event: notification`, `id: <sequence>`, `data: <notification JSON>` — in sequence order, each once.
/// - `event: unread_count`, `data: {"workspace_id", "count"}` — after new notifications and after mark-read /
///   delete anywhere (another tab, Base), read from the table, so the badge always matches `unread-count`.
/// - `: heartbeat` comments while idle.
///
/// No gap between the catch-up and the live feed: the stream subscribes (and the process LISTENs) *before* it
/// reads the rows after `Last-Event-ID` (or takes the newest sequence, without one), and every wake-up reads
/// the table again from the last id sent. Writers for one user are serialised until commit
/// (`NotificationDeliveryRepository.lockStreams`), so rows become visible in sequence order and a resume never
/// skips one. A stream lasts one access-token lifetime at most, then ends; `EventSource` reconnects with
/// `Last-Event-ID` (and the client's fresh token), so a revoked session does not keep a stream for long.
struct NotificationStreamHandlers {
    let hub: NotificationHub
    let repository: NotificationRepository
    let heartbeat: Duration
    let maxDuration: Duration

    static let batch = 500
    static let lastEventID = HTTPField.Name("Last-Event-ID")!

    @Sendable func stream(_ request: Request, context: PlatformRequestContext) async throws -> Response {
        let userID = try context.requireIdentity().userID
        let resumeAfter = try Self.resumePoint(request)
        guard let subscription = await hub.subscribe(userID: userID) else {
            throw APIError.unavailable("notifications_unavailable", "The notification stream is not available right now; retry shortly.")
        }
        let start: Int64
        do {
            if let resumeAfter { start = resumeAfter } else { start = try await repository.latestSequence(userID: userID) }
        } catch {
            hub.unsubscribe(subscription)
            throw error
        }
        let (hub, repository, heartbeat, maxDuration) = (self.hub, self.repository, self.heartbeat, self.maxDuration)
        let logger = context.logger
        let body = ResponseBody { writer in
            defer { hub.unsubscribe(subscription) }
            var last = start
            try await writer.write(ByteBuffer(string: "retry: 3000\n: connected\n\n"))
            last = try await Self.sendNew(after: last, userID: userID, repository: repository, writer: &writer)
            let deadline = ContinuousClock.now + maxDuration
            try await withGracefulShutdownHandler {
                while ContinuousClock.now < deadline, !Task.isCancelled {
                    guard await subscription.wait(upTo: min(heartbeat, deadline - ContinuousClock.now)) else {
                        try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                        continue
                    }
                    let pending = subscription.take()
                    if pending.closing { break }
                    if pending.newRows {
                        last = try await Self.sendNew(after: last, userID: userID, repository: repository, writer: &writer)
                    }
                    let counts = pending.readChanged
                    if !counts.isEmpty {
                        try await Self.sendCounts(Array(counts), userID: userID, repository: repository, writer: &writer)
                    }
                }
            } onGracefulShutdown: {
                subscription.ring { $0.closing = true }
            }
            logger.debug("notification stream ended", metadata: ["last_event_id": "\(last)"])
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [
            .contentType: "text/event-stream; charset=utf-8",
            .cacheControl: "no-cache, no-store",
            .init("X-Accel-Buffering")!: "no",
        ], body: body)
    }

    /// `Last-Event-ID`: the sequence of the last notification the client received (absent or empty: start
    /// with what comes next). Anything but 1…18 digits → 400 `invalid_last_event_id`.
    static func resumePoint(_ request: Request) throws -> Int64? {
        guard let text = request.headers[lastEventID]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        guard text.count <= 18, text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int64(text) else {
            throw APIError.badRequest("invalid_last_event_id", "Last-Event-ID must be the id of a notification event (digits).")
        }
        return value
    }

    /// Every notification after `after`, in order, then the unread counts of the workspaces they belong to.
    static func sendNew(after: Int64, userID: UUID, repository: NotificationRepository,
                        writer: inout any ResponseBodyWriter) async throws -> Int64 {
        var last = after
        var workspaces: [UUID] = []
        while true {
            let items = try await repository.after(userID: userID, sequence: last, limit: batch)
            guard !items.isEmpty else { break }
            var text = ""
            for item in items {
                text += try event(item)
                last = item.sequence
                if !workspaces.contains(item.workspaceId) { workspaces.append(item.workspaceId) }
            }
            try await writer.write(ByteBuffer(string: text))
            if items.count < batch { break }
        }
        if !workspaces.isEmpty { try await sendCounts(workspaces, userID: userID, repository: repository, writer: &writer) }
        return last
    }

    static func sendCounts(_ workspaceIDs: [UUID], userID: UUID, repository: NotificationRepository,
                           writer: inout any ResponseBodyWriter) async throws {
        var text = ""
        for (workspaceID, count) in try await repository.unreadCounts(userID: userID, workspaceIDs: workspaceIDs) {
            let json = String(decoding: try JSONCoding.snakeCaseEncoder.encodeBytes(UnreadEvent(workspaceId: workspaceID, count: count)),
                              as: UTF8.self)
            text += "event: unread_count\ndata: \(json)\n\n"
        }
        try await writer.write(ByteBuffer(string: text))
    }

    struct UnreadEvent: Encodable {
        var workspaceId: UUID
        var count: Int
    }

    /// One SSE message; the JSON is one line (the encoder escapes line breaks inside strings).
    static func event(_ item: NotificationItem) throws -> String {
        let json = String(decoding: try JSONCoding.snakeCaseEncoder.encodeBytes(item), as: UTF8.self)
        return "id: \(item.sequence)\nevent: notification\ndata: \(json)\n\n"
    }
}
