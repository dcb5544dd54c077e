import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing
@testable import Venue

/// Issue 13, item 11. Spec, Operations: checklists "may carry an explicit readinessState
/// (not_started → in_progress → blocked → ready → complete)".
@Suite("Operations: readiness follows the spec's progression")
struct ChecklistReadinessTests {
    /// Written out rather than derived from `Readiness`, so the test states the rule on its own:
    /// every forward move along the spec's line, plus blocked → in_progress.
    static let expected: [String: Set<String>] = [
        "not_started": ["in_progress", "blocked", "ready", "complete"],
        "in_progress": ["blocked", "ready", "complete"],
        "blocked": ["in_progress", "ready", "complete"],
        "ready": ["complete"],
        "complete": [],
    ]

    @Test("Spec: \"readinessState (not_started → in_progress → blocked → ready → complete)\": forward moves and blocked ↔ in_progress")
    func everyTransitionOfTheProgression() async throws {
        try await withVenueApp { clients in
            let api = clients.a
            for from in Readiness.all {
                for to in Readiness.all where to != from {
                    // A blank checklist: `complete` has no open task to wait for.
                    let created = try await api.post("/api/v1/operations/checklists", ["name": "x", "readinessState": .string(from)])
                    #expect(created.status == .created, "create accepts \(from)")
                    let id = try requireUUID(created.json["id"])
                    let moved = try await api.patch("/api/v1/operations/checklists/\(id)", ["readinessState": .string(to)])
                    if Self.expected[from, default: []].contains(to) {
                        #expect(moved.status == .ok, "\(from) → \(to) is allowed: \(moved.text)")
                        #expect(moved.json["readinessState"] == .string(to))
                    } else {
                        #expect(moved.status == .conflict, "\(from) → \(to) is refused")
                        #expect(moved.errorCode == "invalid_transition")
                        #expect(moved.json["error"]?["info"]?["from"] == .string(from))
                        #expect(moved.json["error"]?["info"]?["to"] == .string(to))
                    }
                }
            }
        }
    }

    @Test("Spec: POST checklists takes an \"optional readinessState\": create accepts every state, blocked → ready is a forward move")
    func createAcceptsEveryStateAndBlockedBecomesReady() async throws {
        try await withVenueApp { clients in
            let api = clients.a
            for state in Readiness.all {
                let created = try await api.post("/api/v1/operations/checklists", ["name": .string(state), "readinessState": .string(state)])
                #expect(created.status == .created, "\(state): \(created.text)")
                #expect(created.json["readinessState"] == .string(state))
                #expect(created.json["status"] == (state == "complete" ? "completed" : "open"), "a complete checklist is closed")
            }
            let ready = try await api.post("/api/v1/operations/checklists", ["name": "Ready", "readinessState": "ready", "tasks": [["title": "Doors"]]])
            #expect(ready.json["readinessState"] == "ready")
            let readyID = try requireUUID(ready.json["id"])
            #expect(try await api.patch("/api/v1/operations/checklists/\(readyID)", ["readinessState": "complete"]).errorCode == "tasks_open")

            // Created complete: the same rule as completing later — every task done or skipped, else nothing is written.
            let before = try await api.get("/api/v1/operations/checklists").json["total"]
            let open = try await api.post("/api/v1/operations/checklists", [
                "name": "Done?", "readinessState": "complete", "tasks": [["title": "Settle", "status": "done"], ["title": "Sweep"]],
            ])
            #expect(open.status == .conflict)
            #expect(open.errorCode == "tasks_open")
            #expect(open.json["error"]?["info"]?["openTasks"] == 1)
            #expect(try await api.get("/api/v1/operations/checklists").json["total"] == before)
            let closed = try await api.post("/api/v1/operations/checklists", [
                "name": "Done", "readinessState": "complete", "tasks": [["title": "Settle", "status": "done"], ["title": "Sweep", "status": "skipped"]],
            ])
            #expect(closed.status == .created)
            #expect(closed.json["status"] == "completed")

            let blocked = try requireUUID(try await api.post("/api/v1/operations/checklists", ["name": "B", "readinessState": "blocked"]).json["id"])
            let unblocked = try await api.patch("/api/v1/operations/checklists/\(blocked)", ["readinessState": "ready"])
            #expect(unblocked.status == .ok, "blocked → ready: \(unblocked.text)")
            #expect(unblocked.json["readinessState"] == "ready")
        }
    }
}
