// Test doubles for LMs: @otpforge/core/testing.
export {};
