// Testing helpers for the lifecycle provider (in-process clients and the like).
export {};
