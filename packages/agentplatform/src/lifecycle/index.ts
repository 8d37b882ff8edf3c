// Public API of the lifecycle provider; filled by its implementation.
export {};
