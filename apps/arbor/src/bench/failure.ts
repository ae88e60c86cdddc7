// A benchmark whose runs cannot be compared (different trees, a search that did not finish): reported in the
// result's `failure` and by exit code 1, after the JSON is written, instead of as a crash with no record.
export class BenchmarkFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BenchmarkFailure';
  }
}
