import Foundation
import Hummingbird
import KisumKernel

/// The state both onboarding machines share: an ordered list of steps, each pending, completed or skipped,
/// and a status (`not_started` until the first write, `in_progress`, `completed`). The rules that make a
/// transition invalid (409, stable codes) live here so both groups answer the same way.
struct OnboardingSteps: Sendable, Equatable {
    struct Step: Sendable, Equatable {
        var key: String
        var title: String
        var skippable: Bool
    }

    let steps: [Step]
    var status: String
    var completed: [String]
    var skipped: [String]

    func state(of key: String) -> String {
        if completed.contains(key) { return "completed" }
        if skipped.contains(key) { return "skipped" }
        return "pending"
    }

    var pending: [String] { steps.map(\.key).filter { state(of: $0) == "pending" } }
    /// The first step still pending; nil once every step is done.
    var currentStep: String? { pending.first }
    /// Done steps out of all, in percent (integer division of small numbers: no overflow, no rounding surprise).
    var progress: Int { steps.isEmpty ? 100 : (steps.count - pending.count) * 100 / steps.count }

    /// 422 for a step name outside the machine (a cross-field rule the schema's enum already states).
    func requireKnown(_ key: String) throws -> Step {
        guard let step = steps.first(where: { $0.key == key }) else {
            throw APIError.validation(field: "step", code: "unknown_step",
                                      message: "Unknown step; one of: \(steps.map(\.key).joined(separator: ", ")).")
        }
        return step
    }

    /// Writing a step needs onboarding open: not completed (409 `onboarding_completed`).
    func requireOpen() throws {
        if status == "completed" {
            throw APIError.conflict("onboarding_completed", "Onboarding is already complete.")
        }
    }

    /// Steps before `key` must be done (completed or skipped): the spec numbers them (409 `step_out_of_order`).
    func requireInOrder(_ key: String) throws {
        guard let index = steps.firstIndex(where: { $0.key == key }) else { return }
        let missing = steps[..<index].map(\.key).filter { state(of: $0) == "pending" }
        if !missing.isEmpty {
            throw APIError.conflict("step_out_of_order", "Finish or skip \(missing.joined(separator: ", ")) first.",
                                    info: ["pending_steps": .array(missing.map(JSONValue.string))])
        }
    }

    /// Skipping: the step must allow it (422 `step_not_skippable`) and not be completed (409 `step_already_completed`).
    func requireSkippable(_ key: String) throws {
        let step = try requireKnown(key)
        guard step.skippable else {
            throw APIError.validation(field: "step", code: "step_not_skippable", message: "The \(key) step cannot be skipped.")
        }
        if completed.contains(key) {
            throw APIError.conflict("step_already_completed", "The \(key) step is already completed.")
        }
    }

    /// Completing: open, and nothing pending (409 `onboarding_incomplete` with the pending steps).
    func requireCompletable() throws {
        try requireOpen()
        if !pending.isEmpty {
            throw APIError.conflict("onboarding_incomplete", "Steps still pending: \(pending.joined(separator: ", ")).",
                                    info: ["pending_steps": .array(pending.map(JSONValue.string))])
        }
    }

    var json: JSONValue {
        .object([
            "status": .string(status),
            "current_step": currentStep.map(JSONValue.string) ?? .null,
            "progress": .number(Double(progress)),
            "steps": .array(steps.enumerated().map { index, step in
                .object(["key": .string(step.key), "number": .number(Double(index + 1)), "title": .string(step.title),
                         "skippable": .bool(step.skippable), "state": .string(state(of: step.key))])
            }),
            "completed_steps": .array(completed.map(JSONValue.string)),
            "skipped_steps": .array(skipped.map(JSONValue.string)),
        ])
    }
}

/// A JSON answer built by hand, so absent values are sent as `null` (never left out) and dates in the wire's RFC 3339.
struct OnboardingAnswer: ResponseEncodable, Sendable {
    var value: JSONValue

    init(_ value: JSONValue) { self.value = value }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

extension JSONValue {
    static func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
    static func date(_ value: Date?) -> JSONValue { value.map { .string(RFC3339.string(from: $0)) } ?? .null }
    static func id(_ value: UUID?) -> JSONValue { value.map(JSONValue.uuid) ?? .null }
    static func int(_ value: Int?) -> JSONValue { value.map { .number(Double($0)) } ?? .null }
    static func texts(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }
}

/// Shared body checks: a list of short labels (competitors, interests) — count and length bounded.
extension Validator {
    mutating func labels(_ values: [String]?, _ field: String, maxCount: Int, maxLength: Int) {
        guard let values else { return }
        check(values.count <= maxCount, field, "too_many", "At most \(maxCount) entries.")
        for value in values.prefix(maxCount + 1) where value.trimmingCharacters(in: .whitespaces).isEmpty || value.unicodeScalars.count > maxLength {
            add(field, "invalid_entry", "Entries must be 1…\(maxLength) characters.")
            break
        }
    }
}
