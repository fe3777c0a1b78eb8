// Lint: eslint's and typescript-eslint's recommended rules on the pipeline, the tests, the benchmark and the
// report's components; formatting is prettier's (.prettierrc.json). `npm run lint` runs both; `npm test` calls it.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "dist/",
      "node_modules/",
      "src/.observablehq/",
      "test-output/",
      ".segment-cache/",
      "out/",
      "data/",
      "bench/results/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-expressions": ["error", { allowShortCircuit: true, allowTernary: true }],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
    },
  },
  { files: ["src/**/*.js"], languageOptions: { globals: { ...globals.browser } } },
);
