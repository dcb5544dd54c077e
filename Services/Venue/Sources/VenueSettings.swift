import Foundation
import KisumKernel

/// The Venue service's own settings (the kernel's are in `KernelSettings`).
public struct VenueSettings: Sendable {
    /// The Kisum holding company that owns imported sleeping venues until a takeover.
    public static let defaultHoldingCompanyID = UUID(uuidString: "5ee1c0de-0000-4000-8000-000000000001")!

    /// Where contract documents and other files are stored by the local storage adapter.
    public var storageDirectory: String
    public var holdingCompanyID: UUID

    public init(storageDirectory: String = "./.data/storage/venue", holdingCompanyID: UUID = VenueSettings.defaultHoldingCompanyID) {
        self.storageDirectory = storageDirectory
        self.holdingCompanyID = holdingCompanyID
    }

    /// `STORAGE_DIR` (default `./.data/storage/venue`) and `VENUE_HOLDING_COMPANY_ID` (default
    /// `5ee1c0de-0000-4000-8000-000000000001`).
    public static func load(from env: inout EnvironmentReader) -> VenueSettings {
        let storage = env.string("STORAGE_DIR", default: "./.data/storage/venue")
        let holdingText = env.string("VENUE_HOLDING_COMPANY_ID", default: defaultHoldingCompanyID.uuidString.lowercased())
        let holding = UUID(uuidString: holdingText)
        if holding == nil {
            env.report("VENUE_HOLDING_COMPANY_ID must be a UUID, got \"\(holdingText)\"")
        }
        return VenueSettings(storageDirectory: storage, holdingCompanyID: holding ?? defaultHoldingCompanyID)
    }
}
