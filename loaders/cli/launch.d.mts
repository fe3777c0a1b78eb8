/** Types of launch.mjs (plain JavaScript: it runs in node before any TypeScript loader). */
export function upToDate(inputsFile: string, root?: string): boolean;
export function bundle(name: string, outFile: string, inputsFile: string, root?: string): Promise<void>;
