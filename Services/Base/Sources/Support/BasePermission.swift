/// Permission names Platform Core seeds for the Base module. Each feature adds its read/write pair
/// here (`base.<feature>.read`, `base.<feature>.write`) when its routes arrive.
public enum BasePermission {
    /// The module gate every tenant route of Base sits behind.
    public static let module = "base"
}
