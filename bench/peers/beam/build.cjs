// Compiles wordcount.ts with Beam's closure transform (ts-closure-transform), which records each function's free
// variables so that Beam can serialize its closures; tsc alone gives a pipeline Beam cannot run.
const ts = require("typescript");
const closures = require("ts-closure-transform");

const config = ts.getParsedCommandLineOfConfigFile(`${__dirname}/tsconfig.json`, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n")); } });
const program = ts.createProgram(config.fileNames, config.options);
const result = program.emit(undefined, undefined, undefined, false, { before: [closures.beforeTransform()], after: [closures.afterTransform()] });
const diagnostics = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics];
if (diagnostics.length > 0) {
  console.error(ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => __dirname, getNewLine: () => "\n" }));
  process.exit(1);
}
