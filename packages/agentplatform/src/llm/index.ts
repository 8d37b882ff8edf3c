// Public API of the llm provider; filled by its implementation.
export {};
