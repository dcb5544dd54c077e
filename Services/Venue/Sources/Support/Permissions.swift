/// Permission names Platform Core seeds for the Venue module (exactly these strings).
public enum VenuePermission {
    public static let venuesRead = "venue.venues.read"
    public static let venuesWrite = "venue.venues.write"
    public static let spacesRead = "venue.spaces.read"
    public static let spacesWrite = "venue.spaces.write"
    public static let availabilityRead = "venue.availability.read"
    public static let availabilityWrite = "venue.availability.write"
    public static let bookingsRead = "venue.bookings.read"
    public static let bookingsWrite = "venue.bookings.write"
    public static let eventsRead = "venue.events.read"
    public static let eventsWrite = "venue.events.write"
    public static let dealsRead = "venue.deals.read"
    public static let dealsWrite = "venue.deals.write"
    public static let contractsRead = "venue.contracts.read"
    public static let contractsWrite = "venue.contracts.write"
    public static let operationsRead = "venue.operations.read"
    public static let operationsWrite = "venue.operations.write"
    public static let depositsRead = "venue.deposits.read"
    public static let depositsWrite = "venue.deposits.write"
    public static let reportsRead = "venue.reports.read"
    /// Customer overlays and the customer search (the customers report is a report: `reportsRead`).
    public static let customersRead = "venue.customers.read"
    public static let customersWrite = "venue.customers.write"

    /// The module gate every tenant route sits behind.
    public static let module = "venue"
}
