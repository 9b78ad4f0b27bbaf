export function reporting(name: string): {
  reporters: string[];
  outputFile?: { json: string };
};
