# `mix format --check-formatted` runs from `npm test` (scripts/lint.mjs) on every Elixir file below.
# The catalog and the test fixtures are formatted too: their code is what prompts show models and
# what training data teaches, so it should look like the code an Elixir team writes.
[
  inputs: [
    "*.exs",
    "packages/*/priv/**/*.{ex,exs}",
    "packages/otp-signatures/catalog/**/*.{ex,exs}",
    "packages/metrics/test/fixtures/**/*.{ex,exs}"
  ]
]
