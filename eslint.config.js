// ESLint (pinned in package-lock.json) on the JavaScript the book's pages load: `make lint`
// runs it after ruff.  digitlib/web/ holds classic scripts for the browser (no modules: they must
// load from file:// pages too), shipped with the package so that a chapter can show them on Colab.
const js = require("@eslint/js");
const globals = require("globals");

module.exports = [
  {
    files: ["digitlib/web/**/*.js"],
    ...js.configs.recommended,
  },
  {
    files: ["digitlib/web/**/*.js"],
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
