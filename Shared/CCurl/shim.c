// Intentionally empty: the wrappers are static inline in CCurl.h.
