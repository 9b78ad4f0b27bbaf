/** Shared Prettier settings for every workspace. */
export default {
  printWidth: 100,
  singleQuote: false,
  trailingComma: "all",
};
