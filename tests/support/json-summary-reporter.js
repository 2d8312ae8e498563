// Writes jest's aggregated result counts to a file, for `.ci/run`'s closing line. `npm run
// test:jest` is two jest runs (unit and medium tests on both cores, then the browser and product
// tests one at a time): a file the first run wrote is added to, so `.ci/run` gives each run's
// report a fresh path and reads the sum.
const fs = require('node:fs');

class JsonSummaryReporter {
  constructor(_globalConfig, options) {
    this.outputFile = options.outputFile;
  }

  onRunComplete(_contexts, results) {
    const counts = {
      numPassedTests: results.numPassedTests,
      numFailedTests: results.numFailedTests,
      numTotalTests: results.numTotalTests,
      numPendingTests: results.numPendingTests,
    };
    if (fs.existsSync(this.outputFile)) {
      const before = JSON.parse(fs.readFileSync(this.outputFile, 'utf8'));
      for (const key of Object.keys(counts)) counts[key] += before[key] ?? 0;
    }
    fs.writeFileSync(this.outputFile, JSON.stringify(counts));
  }
}

module.exports = JsonSummaryReporter;
