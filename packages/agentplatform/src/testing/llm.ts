// Testing helpers for the llm provider (in-process clients and the like).
export {};
