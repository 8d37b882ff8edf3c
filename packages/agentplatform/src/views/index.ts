// Public API of the views provider; filled by its implementation.
export {};
