// Public API of the PlatformHost client (the plugin calling the platform back).
export {};
