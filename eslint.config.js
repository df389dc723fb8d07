// ESLint for the TypeScript (and the build scripts): rules that find defects, not style.
// Layout is Prettier's (.prettierrc.json), checked beside this by scripts/lint.mjs.
// `npm test` runs both before the test suites.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

// Rules of eslint:recommended that catch bugs; the rest of that set is left to tsc.
const defects = {
  "no-async-promise-executor": "error",
  "no-compare-neg-zero": "error",
  "no-cond-assign": ["error", "except-parens"],
  "no-constant-binary-expression": "error",
  "no-constant-condition": ["error", { checkLoops: false }],
  "no-debugger": "error",
  "no-dupe-else-if": "error",
  "no-duplicate-case": "error",
  "no-empty-pattern": "error",
  "no-fallthrough": "error",
  "no-loss-of-precision": "error",
  "no-self-assign": "error",
  "no-self-compare": "error",
  "no-sparse-arrays": "error",
  "no-unreachable": "error",
  "no-unsafe-finally": "error",
  "no-unsafe-optional-chaining": "error",
  "no-useless-catch": "error",
  "require-yield": "error",
  "use-isnan": "error",
  "valid-typeof": "error",
  // `x == null` (null or undefined) is the one loose comparison that says what it means.
  eqeqeq: ["error", "always", { null: "ignore" }],
};

export default tseslint.config(
  {
    ignores: ["**/node_modules/**", "**/dist/**", "**/tmp-*/**", "out/**", "artifacts/**", "reports/**", "tmp/**", "**/*.d.ts"],
  },
  {
    files: ["**/*.ts"],
    languageOptions: {
      parser: tseslint.parser,
      // Type information through the project service (tsconfig.json), for the promise rules.
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@typescript-eslint": tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      ...defects,
      "@typescript-eslint/no-unused-vars": [
        "error",
        { args: "after-used", argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true },
      ],
      // An unawaited promise loses its error (an unhandled rejection) and its ordering.
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { arguments: false, attributes: false } }],
    },
  },
  // Work in flight by others when lint arrived (unused imports left mid-change). Drop each entry once
  // the file is clean; until then the rule is off for that file only.
  {
    files: ["packages/datasets/src/traces/dataset-file.ts"],
    rules: { "@typescript-eslint/no-unused-vars": "off" },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    ...js.configs.recommended,
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: "module",
      globals: {
        process: "readonly",
        console: "readonly",
        URL: "readonly",
        Buffer: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
      },
    },
    rules: { ...js.configs.recommended.rules, ...defects },
  },
);
