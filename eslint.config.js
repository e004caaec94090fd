// ESLint (pinned in package-lock.json) on the JavaScript the book's pages load: `make lint`
// runs it after ruff.  book/web/ holds classic scripts for the browser (no modules: they must
// load from file:// pages too).
const js = require("@eslint/js");
const globals = require("globals");

module.exports = [
  {
    files: ["book/web/**/*.js"],
    ...js.configs.recommended,
  },
  {
    files: ["book/web/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "script",
      globals: globals.browser,
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "no-shadow": ["error", { builtinGlobals: false, hoist: "all" }],
      "no-use-before-define": ["error", { functions: false, classes: true, variables: true }],
      "no-var": "error",
      "prefer-const": "error",
      eqeqeq: "error",
      strict: ["error", "function"],
      "max-len": ["error", { code: 100, ignoreUrls: true }],
    },
  },
];
