// Writes jest's aggregated result counts to a file, for `.ci/run`'s closing line.
const fs = require('node:fs');

class JsonSummaryReporter {
  constructor(_globalConfig, options) {
    this.outputFile = options.outputFile;
  }

  onRunComplete(_contexts, results) {
    const { numPassedTests, numFailedTests, numTotalTests, numPendingTests } = results;
    fs.writeFileSync(
      this.outputFile,
      JSON.stringify({ numPassedTests, numFailedTests, numTotalTests, numPendingTests }),
    );
  }
}

module.exports = JsonSummaryReporter;
