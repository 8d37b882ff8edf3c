// Public API of the tools provider; filled by its implementation.
export {};
