/// Permission names Platform Core seeds for the Promoter module. Each feature adds its read/write pair
/// here (`promoter.<feature>.read`, `promoter.<feature>.write`) when its routes arrive.
public enum PromoterPermission {
    /// The module gate every tenant route of Promoter sits behind.
    public static let module = "promoter"

    public static let eventsRead = "promoter.events.read"
    public static let eventsWrite = "promoter.events.write"
}
