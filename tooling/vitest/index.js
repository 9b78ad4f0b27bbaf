/**
 * Shared vitest reporting: when `npm test` sets PARLEY_TEST_REPORT_DIR, each
 * package also writes a JSON report there, which the quick-start script sums
 * into one closing line ("Tests: N passed, N failed").
 *
 * @param {string} name the package's short name, used as the report's file name
 */
export function reporting(name) {
  const dir = process.env.PARLEY_TEST_REPORT_DIR;
  if (!dir) return { reporters: ["default"] };
  return { reporters: ["default", "json"], outputFile: { json: `${dir}/${name}.json` } };
}
